namespace Doctor.Domain.Faults;

/// <summary>The failure policy's answer for one event (<see cref="FailurePolicyVerdict"/>).</summary>
public abstract record PolicyOutcome
{
    /// <summary>The host is back: recover it.</summary>
    public sealed record Recover : PolicyOutcome;

    /// <summary>The host already has an open incident: the event is recorded in it, nothing new is done.</summary>
    public sealed record Repeat(string IncidentId) : PolicyOutcome;

    /// <summary>Non-critical: count it toward aggregation, then ask <see cref="FailurePolicyVerdict.Aggregated"/>.</summary>
    public sealed record Aggregate : PolicyOutcome;

    /// <summary>The verdict, what it makes unavailable, why, whether owners hear of it, and the earlier faults it aggregates.</summary>
    public sealed record Decided(FaultVerdict Verdict, string Affects, string Reason, bool Notify, IReadOnlyList<string> CorrelatedFaultIds) : PolicyOutcome;
}
