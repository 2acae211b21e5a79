using Doctor.Domain.Hosts;

namespace Doctor.Domain.Faults;

/// <summary>
/// The failure policy's verdict as a pure function (DESIGN.md §8, Doctor req. §5.1 "failure policy"): a known host that
/// an incident already fences makes a repeat; a host in maintenance is never fenced automatically; a non-critical fault
/// fences only with enough others within the window; an unknown host is recorded, never an error to the monitor.
/// </summary>
public static class FailurePolicyVerdict
{
    public static PolicyOutcome Decide(FaultAssessment a) => a switch
    {
        { Action: FaultAction.Recover } => new PolicyOutcome.Recover(),
        { HostKnown: false } => Decided(FaultVerdict.Unmatched, a.Affects,
            a.ReportedHost is null ? "the event names no host" : $"host {a.ReportedHost} is not known to the resource map"),
        { Action: FaultAction.Record } => Decided(FaultVerdict.Recorded, a.Affects, $"policy: {a.FaultType} is recorded only"),
        { Host.OpenIncidentId: { } open } => new PolicyOutcome.Repeat(open),
        { ExplicitCommand: false } when a.Host.State == HostState.Maintenance || a.ObservedInMaintenance => Decided(FaultVerdict.InMaintenance, a.Affects,
            $"host {a.ReportedHost} is in maintenance: not fenced automatically", a.NotifyInMaintenance),
        { Action: FaultAction.Aggregate } => new PolicyOutcome.Aggregate(),
        _ => Decided(FaultVerdict.Fence, a.Affects, $"policy: {a.FaultType} makes the {a.Affects} unavailable"),
    };

    /// <summary>
    /// The verdict on a counted non-critical fault: <paramref name="earlier"/> are the faults it aggregates with once the
    /// threshold is reached (null below it). Enough of them make the whole host unavailable, whatever one alone affects.
    /// </summary>
    public static PolicyOutcome.Decided Aggregated(FaultAssessment a, IReadOnlyList<string>? earlier, int failures, TimeSpan window) =>
        earlier is null
            ? Decided(FaultVerdict.Counted, a.Affects, $"non-critical: counts toward {failures} within {window}")
            : new PolicyOutcome.Decided(FaultVerdict.Fence, FaultTargets.Host, $"{earlier.Count + 1} non-critical failures within {window}", false, earlier);

    private static PolicyOutcome.Decided Decided(FaultVerdict verdict, string affects, string reason, bool notify = false) =>
        new(verdict, affects, reason, notify, []);
}
