namespace Doctor.Domain.Faults;

// Every fact of a fault incident, past tense, immutable, each with the stage time the profiler needs (DESIGN.md §8).
// Stored under stable names (FaultEventTypes in Doctor.Workflows); a shape change means a .v2 name, never an edit here.

public interface IFaultEvent
{
    DateTimeOffset At { get; }
}

/// <summary>A raw event from a monitor reached the inspector; <paramref name="At"/> is when it was received.</summary>
public sealed record FaultReceived(
    string IncidentId,
    string FaultId,
    string FaultType,
    string? Host,
    int Severity,
    DateTimeOffset EventTime,
    string? ProbableCause,
    string Source,
    string DetailsJson,
    DateTimeOffset At) : IFaultEvent;

/// <summary>The failure policy's verdict on the fault; <paramref name="CorrelatedFaultIds"/> are the earlier faults it aggregated.</summary>
public sealed record PolicyDecided(FaultVerdict Verdict, string Affects, string Reason, IReadOnlyList<string> CorrelatedFaultIds, DateTimeOffset At) : IFaultEvent;

/// <summary>The virtual resources the fault reaches, from the cached resource map.</summary>
public sealed record FaultCorrelated(IReadOnlyList<AffectedInstance> Instances, DateTimeOffset At) : IFaultEvent;

/// <summary>
/// A fault that fences nothing — recorded only, counted toward aggregation, about an unknown host, or on a host in
/// maintenance — received, decided and correlated in one event: monitors may send thousands of these a second, and one
/// row each instead of three is what keeps that ingest durable. Folds exactly like the three events it stands for.
/// </summary>
public sealed record FaultRecorded(FaultReceived Fault, PolicyDecided Decision, FaultCorrelated Correlation) : IFaultEvent
{
    public DateTimeOffset At => Correlation.At;
}

/// <summary>
/// The faults of one monitor report that fence nothing, in one event of the report's stream (<c>faults-{id}</c>), each
/// a whole <see cref="FaultRecorded"/> under its own incident id: a bulk report of 500 non-critical events is one
/// durable row, not 500 streams. Such an incident never gets a later event (only open incidents repeat or resolve),
/// so it needs no stream of its own; it is listed, queried and profiled like any other.
/// </summary>
public sealed record FaultBatchRecorded(IReadOnlyList<FaultRecorded> Faults);

/// <summary>The incident and its notifications were durably appended at <paramref name="AppendedAt"/> and handed to the notifier at <paramref name="At"/>.</summary>
public sealed record NotificationsHandedOver(int Count, DateTimeOffset AppendedAt, DateTimeOffset At) : IFaultEvent;

/// <summary>The host was forced down (Nova force-down): its instances show host_status DOWN.</summary>
public sealed record HostMarkedDown(string Host, DateTimeOffset At) : IFaultEvent;

/// <summary>The affected instances were reset to ERROR; <paramref name="Failed"/> lists those the driver refused.</summary>
public sealed record InstancesMarkedError(int Count, IReadOnlyList<string> Failed, DateTimeOffset At) : IFaultEvent;

/// <summary>The data-plane status of the ports bound on the host went DOWN.</summary>
public sealed record PortsMarkedDown(string Host, DateTimeOffset At) : IFaultEvent;

/// <summary>A fencing or recovery action failed; the incident stays as it is and says so.</summary>
public sealed record FencingActionFailed(string Action, string Target, string Reason, DateTimeOffset At) : IFaultEvent;

/// <summary>The same fault was reported again while the incident was open; nothing new was done.</summary>
public sealed record FaultRepeated(string FaultId, string FaultType, DateTimeOffset EventTime, DateTimeOffset At) : IFaultEvent;

/// <summary>The host came back (<paramref name="Cause"/>: <c>compute.host.up</c>, force-down unset, state normal); its owners were told.</summary>
public sealed record IncidentResolved(string Cause, int Notified, DateTimeOffset At) : IFaultEvent;
