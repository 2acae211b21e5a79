namespace Doctor.Workflows.Infrastructure.Simulated;

/// <summary>A compute host to seed: it starts enabled, not forced down, in state <c>normal</c>, ports <c>UP</c>.</summary>
public sealed record SimulatedHostSeed(string Name, int Vcpus);
