using System.Diagnostics.Metrics;
using Doctor.Workflows.Notifications.Delivery;

namespace Doctor.AdminApi.Notifications;

/// <summary>
/// The notifier in <c>/metrics</c>: <c>doctor_notifier_deliveries_sent_total</c>, <c>..._retried_total</c>,
/// <c>..._dead_lettered_total</c>, <c>..._adopted_total</c> (since start) and <c>doctor_notifier_queue_depth</c> (queued or in flight now).
/// </summary>
public sealed class NotifierMetrics
{
    public const string MeterName = "Doctor.Notifier";

    public NotifierMetrics(IMeterFactory meterFactory, NotifierCounters counters, WebhookDispatcher dispatcher)
    {
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableCounter("doctor.notifier.deliveries.sent", () => counters.Delivered, description: "Webhooks answered with a 2xx.");
        meter.CreateObservableCounter("doctor.notifier.deliveries.retried", () => counters.Retried, description: "Failed attempts that were retried.");
        meter.CreateObservableCounter("doctor.notifier.deliveries.dead_lettered", () => counters.Dead, description: "Deliveries given up (dead letters).");
        meter.CreateObservableCounter("doctor.notifier.deliveries.adopted", () => counters.Adopted, description: "Pending deliveries taken over from dead nodes.");
        meter.CreateObservableGauge("doctor.notifier.queue.depth", () => dispatcher.Pending, description: "Deliveries queued or in flight.");
    }
}
