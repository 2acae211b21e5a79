namespace Doctor.Workflows.Faults;

/// <summary>Fault management settings, bound from <c>Doctor:Faults</c>.</summary>
public sealed class FaultOptions
{
    public const string Section = "Doctor:Faults";

    /// <summary>The failure policy file; default <c>policies/failure-policy.json</c> in the workflows directory.</summary>
    public string? PolicyFile { get; set; }

    /// <summary>How often the resource map is compared with the driver's list and corrected.</summary>
    public TimeSpan ResnapshotInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How many fencing calls (instance resets) run at once against the driver.</summary>
    public int ActionParallelism { get; set; } = 64;

    /// <summary>
    /// How many incidents that are not open each node keeps in memory for the fault query and the incident API, besides
    /// every open one; older ones are read from the store when asked for by id (docs/faults.md, "Incident retention").
    /// </summary>
    public int IncidentsInMemory { get; set; } = 50_000;

    /// <summary>
    /// Whether the fault path runs on dry incidents at start, before <c>/health</c> answers, so the first real fault meets
    /// compiled code and a warm connection (<see cref="WarmUp.FaultWarmUp"/>; docs/faults.md, "Warm-up").
    /// </summary>
    public bool WarmUp { get; set; } = true;

    public PingMonitorOptions PingMonitor { get; set; } = new();
}
