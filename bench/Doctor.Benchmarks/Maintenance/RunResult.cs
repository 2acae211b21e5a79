using System.Globalization;

namespace Doctor.Benchmarks.Maintenance;

/// <summary>What one run of sessions measured.</summary>
public sealed record RunResult(
    bool Succeeded,
    string Outcome,
    TimeSpan Wall,
    TimeSpan AfterMaintenanceAt,
    int Events,
    int HostsMaintained,
    int InstanceMoves,
    Sample SessionSeconds,
    IReadOnlyList<double> EngineStepsMs,
    IReadOnlyList<double> TransitionsMs,
    IReadOnlyList<double> VnfmRoundTripsMs,
    IReadOnlyList<double> DeliveryLatenciesMs,
    long Notifications,
    int VnfmErrors)
{
    public static RunResult From(IReadOnlyList<SessionTimeline> timelines, DateTimeOffset maintenanceAt, InstantVnfm vnfm)
    {
        var first = timelines.Min(t => t.Created);
        var last = timelines.Max(t => t.Closed);
        var failed = timelines.Where(t => !t.Succeeded).ToList();
        var outcome = failed.Count == 0 ? "all done" : $"{failed.Count} failed (last state {failed[0].LastState})";
        if (vnfm.Errors.Count > 0)
            outcome += $"; VNFM errors: {vnfm.Errors.First()}";
        return new RunResult(
            failed.Count == 0 && vnfm.Errors.Count == 0,
            outcome,
            last - first,
            last - maintenanceAt,
            timelines.Sum(t => t.Events.Count),
            timelines.Sum(t => t.HostsMaintained),
            timelines.Sum(t => t.InstanceMoves),
            new Sample(timelines.Select(t => (t.Closed - t.Created).TotalSeconds)),
            timelines.SelectMany(t => t.EngineStepsMs).ToList(),
            timelines.SelectMany(t => t.TransitionsMs).ToList(),
            timelines.SelectMany(t => t.VnfmRoundTripsMs).ToList(),
            vnfm.DeliveryLatenciesMs.ToList(),
            vnfm.Notifications,
            vnfm.Errors.Count);
    }

    public string Line()
    {
        var transitions = new Sample(TransitionsMs.DefaultIfEmpty(double.NaN));
        return string.Create(CultureInfo.InvariantCulture,
            $"{Outcome}; wall {Wall.TotalSeconds:F1} s ({AfterMaintenanceAt.TotalSeconds:F1} s after maintenance_at), {Events:N0} events, "
            + $"{HostsMaintained} hosts, {InstanceMoves} moves, {Notifications} webhooks; transition p50 {transitions.Percentile(50):F2} ms p99 {transitions.Percentile(99):F2} ms");
    }
}
