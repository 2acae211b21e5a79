using System.Diagnostics.Metrics;

namespace Doctor.Workflows.Notifications.Bus;

/// <summary>
/// The bus on <c>/metrics</c> (meter <c>Doctor.Bus</c>): notifications published with the broker's confirm, failed
/// attempts, how far the publisher is behind the head of the event feed, and the inspector's reactions.
/// </summary>
public sealed class BusMetrics
{
    public const string MeterName = "Doctor.Bus";

    private readonly Counter<long> _published;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _reactions;
    private long _pending;

    public BusMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _published = meter.CreateCounter<long>("doctor.bus.published", description: "Notifications published on the bus (confirmed by the broker), by event type.");
        _failures = meter.CreateCounter<long>("doctor.bus.publish.failures", description: "Publish attempts that failed (broker unreachable or no confirm in time); the batch is retried.");
        meter.CreateObservableGauge("doctor.bus.pending", () => Interlocked.Read(ref _pending),
            description: "Events of the feed the bus publisher has not handled yet (feed lag as of its last attempt).");
        _reactions = meter.CreateCounter<long>("doctor.bus.inspector.reactions", description: "maintenance.host messages the inspector consumed, by state and outcome.");
    }

    public long Pending => Interlocked.Read(ref _pending);

    public void Published(string eventType) => _published.Add(1, new KeyValuePair<string, object?>("event_type", eventType));

    public void PublishFailed() => _failures.Add(1);

    public void SetPending(long pending) => Interlocked.Exchange(ref _pending, Math.Max(0, pending));

    public void Reacted(string state, string outcome) =>
        _reactions.Add(1, new KeyValuePair<string, object?>("state", state), new KeyValuePair<string, object?>("outcome", outcome));
}
