namespace Doctor.Domain.Faults;

// What the inspector asks of an incident. Times are inputs: the decider has no clock.

public abstract record FaultCommand(DateTimeOffset At);

/// <summary>Opens the incident with the fault, the policy's verdict and the correlated instances, each stage with its time.</summary>
public sealed record OpenIncident(
    FaultReceived Fault,
    FaultVerdict Verdict,
    string Affects,
    string Reason,
    IReadOnlyList<string> CorrelatedFaultIds,
    DateTimeOffset DecidedAt,
    IReadOnlyList<AffectedInstance> Instances,
    DateTimeOffset CorrelatedAt) : FaultCommand(Fault.At);

public sealed record RecordHandover(int Count, DateTimeOffset AppendedAt, DateTimeOffset HandedOverAt) : FaultCommand(HandedOverAt);

public sealed record RecordHostMarked(string Host, DateTimeOffset MarkedAt) : FaultCommand(MarkedAt);

public sealed record RecordInstancesMarked(int Count, IReadOnlyList<string> Failed, DateTimeOffset MarkedAt) : FaultCommand(MarkedAt);

public sealed record RecordPortsMarked(string Host, DateTimeOffset MarkedAt) : FaultCommand(MarkedAt);

public sealed record RecordActionFailure(string Action, string Target, string Reason, DateTimeOffset FailedAt) : FaultCommand(FailedAt);

public sealed record RecordRepeat(string FaultId, string FaultType, DateTimeOffset EventTime, DateTimeOffset ReceivedAt) : FaultCommand(ReceivedAt);

public sealed record ResolveIncident(string Cause, int Notified, DateTimeOffset ResolvedAt) : FaultCommand(ResolvedAt);
