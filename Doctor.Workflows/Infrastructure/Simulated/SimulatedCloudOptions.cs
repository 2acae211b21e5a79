namespace Doctor.Workflows.Infrastructure.Simulated;

/// <summary>Options of the simulated cloud, bound from <c>Doctor:Simulated</c>.</summary>
public sealed class SimulatedCloudOptions
{
    public const string Section = "Doctor:Simulated";

    public const string MemoryStore = "memory";
    public const string PostgresStore = "postgres";

    /// <summary>
    /// Where the cloud keeps its state: <c>memory</c> (the default: this process only, reseeded at every start) or
    /// <c>postgres</c> (the service's database, table <c>doctor.simulated_cloud</c>: survives a crash and is shared by
    /// every node on that database — what two nodes, or a restart that must find the cloud as it was, need).
    /// </summary>
    public string Store { get; set; } = MemoryStore;

    /// <summary>The topology seeded at start: <c>demo</c> (default), <c>empty</c> or <c>doctor-test</c> (see <see cref="SimulatedTopologies"/>).</summary>
    public string Topology { get; set; } = SimulatedTopologies.DemoName;

    /// <summary>How long a migration takes; the instance shows <c>MIGRATING</c> meanwhile. Zero (the default) moves it at once.</summary>
    public TimeSpan ActionLatency { get; set; } = TimeSpan.Zero;

    /// <summary><see cref="ActionLatency"/> in milliseconds, the form configuration uses (<c>Doctor:Simulated:ActionLatencyMs</c>).</summary>
    public int ActionLatencyMs
    {
        get => (int)ActionLatency.TotalMilliseconds;
        set => ActionLatency = TimeSpan.FromMilliseconds(value);
    }
}
