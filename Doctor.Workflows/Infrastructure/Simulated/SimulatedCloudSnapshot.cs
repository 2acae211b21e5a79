namespace Doctor.Workflows.Infrastructure.Simulated;

/// <summary>A consistent copy of the whole simulated cloud, taken under its lock.</summary>
public sealed record SimulatedCloudSnapshot(
    IReadOnlyList<SimulatedHost> Hosts,
    IReadOnlyList<ServerInstance> Instances,
    IReadOnlyList<InjectedFailure> PendingFailures);
