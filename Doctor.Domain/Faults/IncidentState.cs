namespace Doctor.Domain.Faults;

/// <summary>
/// An incident as folded from its events: the root fault, the verdict, the instances it reaches, what was done, and
/// every stage time in the order it happened (the profile reads <see cref="Stages"/>).
/// </summary>
public sealed record IncidentState(
    IncidentStatus Status,
    FaultReceived? Fault,
    FaultVerdict Verdict,
    string Affects,
    IReadOnlyList<string> CorrelatedFaultIds,
    IReadOnlyList<AffectedInstance> Instances,
    bool HostMarked,
    bool InstancesMarked,
    bool PortsMarked,
    bool HandedOver,
    IReadOnlyList<string> FailedActions,
    int Repeats,
    string? ResolvedBy,
    DateTimeOffset? ResolvedAt,
    IReadOnlyList<IncidentStage> Stages)
{
    public static IncidentState Initial { get; } =
        new(IncidentStatus.None, null, FaultVerdict.Recorded, "", [], [], false, false, false, false, [], 0, null, null, []);

    public string? IncidentId => Fault?.IncidentId;

    public IncidentState WithStage(string name, DateTimeOffset at) => this with { Stages = [.. Stages, new IncidentStage(name, at)] };
}
