namespace Doctor.Workflows.Infrastructure.Simulated;

/// <summary>
/// Ready-made layouts of the simulated cloud, chosen by <c>Doctor:Simulated:Topology</c>. In these layouts an
/// instance's id equals its name, so tests and demos can name instances without looking them up.
/// </summary>
public static class SimulatedTopologies
{
    public const string DemoName = "demo";
    public const string EmptyName = "empty";
    public const string DoctorTestName = "doctor-test";

    /// <summary>The project that owns every instance of <see cref="DoctorTestTopology"/>.</summary>
    public const string DoctorTestProject = "doctor-test";

    /// <summary>The floating IP that <see cref="DoctorTestTopology"/> puts on <c>ha-0</c>.</summary>
    public const string DoctorTestFloatingIp = "172.24.4.10";

    /// <summary>The floating IP that <see cref="Demo"/> puts on <c>demo-a-lb-0</c>.</summary>
    public const string DemoFloatingIp = "172.24.4.20";

    /// <summary>
    /// A small demo cloud with room to move: 3 hosts <c>compute-0..2</c> × 4 vCPUs (12 vCPUs, 7 used).
    /// <list type="table">
    /// <item><term>compute-0</term><description><c>demo-a-web-0</c> (demo-a, 1 vCPU), <c>demo-b-db-0</c> (demo-b, 2 vCPUs) — 3/4 used</description></item>
    /// <item><term>compute-1</term><description><c>demo-a-web-1</c> (demo-a, 1 vCPU), <c>demo-b-db-1</c> (demo-b, 2 vCPUs) — 3/4 used</description></item>
    /// <item><term>compute-2</term><description><c>demo-a-lb-0</c> (demo-a, 1 vCPU, floating IP <see cref="DemoFloatingIp"/>) — 1/4 used</description></item>
    /// </list>
    /// </summary>
    public static SimulatedTopology Demo { get; } = new(
        [new("compute-0", 4), new("compute-1", 4), new("compute-2", 4)],
        [
            new("demo-a-web-0", "demo-a-web-0", "compute-0", "demo-a", 1),
            new("demo-b-db-0", "demo-b-db-0", "compute-0", "demo-b", 2),
            new("demo-a-web-1", "demo-a-web-1", "compute-1", "demo-a", 1),
            new("demo-b-db-1", "demo-b-db-1", "compute-1", "demo-b", 2),
            new("demo-a-lb-0", "demo-a-lb-0", "compute-2", "demo-a", 1, DemoFloatingIp),
        ]);

    /// <summary>
    /// The layout of OPNFV Doctor's maintenance test: 3 hosts <c>compute-0..2</c> × 2 vCPUs, every vCPU used, so an
    /// empty host can only be had by scaling in. Six instances of 1 vCPU each, all owned by project
    /// <see cref="DoctorTestProject"/>:
    /// <list type="table">
    /// <item><term>compute-0</term><description><c>ha-0</c> (HA active, floating IP <see cref="DoctorTestFloatingIp"/>), <c>nonha-0</c></description></item>
    /// <item><term>compute-1</term><description><c>ha-1</c> (HA standby), <c>nonha-1</c></description></item>
    /// <item><term>compute-2</term><description><c>nonha-2</c>, <c>nonha-3</c></description></item>
    /// </list>
    /// </summary>
    public static SimulatedTopology DoctorTestTopology { get; } = new(
        [new("compute-0", 2), new("compute-1", 2), new("compute-2", 2)],
        [
            new("ha-0", "ha-0", "compute-0", DoctorTestProject, 1, DoctorTestFloatingIp),
            new("nonha-0", "nonha-0", "compute-0", DoctorTestProject, 1),
            new("ha-1", "ha-1", "compute-1", DoctorTestProject, 1),
            new("nonha-1", "nonha-1", "compute-1", DoctorTestProject, 1),
            new("nonha-2", "nonha-2", "compute-2", DoctorTestProject, 1),
            new("nonha-3", "nonha-3", "compute-2", DoctorTestProject, 1),
        ]);

    public static IReadOnlyList<string> Names { get; } = [DemoName, EmptyName, DoctorTestName];

    /// <summary>The topology of that name (case-insensitive), or null when there is none.</summary>
    public static SimulatedTopology? Find(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        DemoName => Demo,
        EmptyName => SimulatedTopology.Empty,
        DoctorTestName => DoctorTestTopology,
        _ => null,
    };
}
