using Doctor.Workflows.EventStore;
using Doctor.Workflows.Notifications.Delivery;
using Microsoft.Extensions.Logging;

namespace Doctor.Workflows.Notifications.Alarms;

/// <summary>
/// The notifier's feed handler (Aodh's event alarm evaluator, the northbound subscriptions and the REST notifier):
/// for every <see cref="NotificationEmitted"/> in the feed, <see cref="NotificationRouter"/> finds the alarms and
/// subscriptions it concerns; the resulting deliveries are recorded in <c>doctor.webhook_deliveries</c> and only then
/// handed to the per-endpoint queues.
/// <para>
/// <see cref="HandleAsync"/> returns once the batch's deliveries are durable and queued, not once they are delivered,
/// so one dead endpoint cannot stall the feed — and the checkpoint moves only past notifications whose deliveries are
/// stored, so a crash loses none. A replay of a batch records nothing twice (the delivery id is derived), and queues only
/// what was not recorded before (the fast lane may have been first).
/// </para>
/// </summary>
public sealed class AlarmNotifier(
    NotificationRouter router, DeliveryStore store, DeliveryRecovery recovery, WebhookDispatcher dispatcher, FastLaneHandoffs handoffs,
    ILogger<AlarmNotifier> logger)
    : IEventFeedHandler
{
    public const string HandlerName = "alarm-notifier";

    public string Name => HandlerName;

    public async Task HandleAsync(IReadOnlyList<RecordedEvent> batch, CancellationToken ct)
    {
        await recovery.EnsureRecoveredAsync(ct);
        var pending = new List<AppendedNotification>();
        foreach (var recorded in batch)
        {
            // Routed by this node's fast lane, rows written: nothing left to do, not even reading it.
            if (!OutboxNotifications.IsOutbox(recorded.Type) || await handoffs.ClaimAsync(recorded.Seq))
                continue;
            foreach (var notification in OutboxNotifications.Read(recorded, logger))
                pending.Add(new AppendedNotification(notification, recorded.Seq));
        }
        if (pending.Count == 0)
            return;
        // Alarms and subscriptions made on other nodes count too (scale-out): reload before routing notifications.
        await router.RefreshAsync(ct);
        var deliveries = await router.RouteAsync(pending, static _ => { }, ct);
        var recordedNow = await store.RecordAsync(deliveries, ct);
        foreach (var delivery in deliveries)
        {
            if (recordedNow.Contains(delivery.Id!.Value))
                dispatcher.Enqueue(delivery);
        }
    }
}
