namespace Doctor.Workflows.Infrastructure.Simulated;

/// <summary>An instance to seed on a given host; it starts <c>ACTIVE</c>. A null <paramref name="Id"/> gets a new UUID.</summary>
public sealed record SimulatedInstanceSeed(string? Id, string Name, string Host, string ProjectId, int Vcpus, string? FloatingIp = null);
