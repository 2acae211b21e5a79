namespace Doctor.Workflows.Infrastructure.Simulated;

/// <summary>A whole cloud layout: what <see cref="SimulatedCloud.Seed(SimulatedTopology)"/> replaces the current one with.</summary>
public sealed record SimulatedTopology(IReadOnlyList<SimulatedHostSeed> Hosts, IReadOnlyList<SimulatedInstanceSeed> Instances)
{
    public static SimulatedTopology Empty { get; } = new([], []);
}
