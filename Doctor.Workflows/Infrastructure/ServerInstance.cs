namespace Doctor.Workflows.Infrastructure;

/// <summary>
/// A virtual machine. <paramref name="Status"/> is Nova's (<c>ACTIVE</c>, <c>ERROR</c>, <c>MIGRATING</c>, ...);
/// <paramref name="HostStatus"/> is Nova's host_status (<c>UP</c>, <c>DOWN</c>, <c>MAINTENANCE</c>, <c>UNKNOWN</c>, <c>""</c>).
/// </summary>
public sealed record ServerInstance(string Id, string Name, string Host, string ProjectId, string Status, string HostStatus, string? FloatingIp, int Vcpus);
