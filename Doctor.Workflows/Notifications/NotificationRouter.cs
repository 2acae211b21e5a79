using System.Text.Json;
using System.Text.Json.Nodes;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Notifications.Alarms;
using Doctor.Workflows.Notifications.Delivery;
using Doctor.Workflows.Notifications.Subscriptions;
using Microsoft.Extensions.Logging;

namespace Doctor.Workflows.Notifications;

/// <summary>
/// Turns one notification into the webhooks it causes: one <see cref="WebhookDelivery"/> per (alarm or subscription,
/// endpoint), with its derived id (<see cref="DeliveryIds"/>), its body and its signature. Shared by the feed
/// (<see cref="AlarmNotifier"/>) and the fast lane (<see cref="NotificationShortcut"/>), so both compute the same ids.
/// An alarm's move into <c>alarm</c> is stored here, before any delivery of it is handed out.
/// </summary>
public sealed class NotificationRouter(AlarmDirectory alarms, SubscriptionDirectory subscriptions, WebhookSecrets secrets, TimeProvider clock)
{
    public const string RequestIdHeader = "x-openstack-request-id";

    public async Task EnsureLoadedAsync(CancellationToken ct)
    {
        await alarms.EnsureLoadedAsync(ct);
        await subscriptions.EnsureLoadedAsync(ct);
    }

    /// <summary>Reloads alarms and subscriptions from the database: those made on other nodes count too (docs/scale-out.md).</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        await alarms.RefreshAsync(ct);
        await subscriptions.RefreshAsync(ct);
    }

    /// <summary>
    /// The deliveries <paramref name="notifications"/> cause, in their order; the directories must be loaded. Each is
    /// passed to <paramref name="ready"/> as soon as it may be sent, in that same order: at once while no alarm has moved,
    /// and after the alarms that move into <c>alarm</c> are stored — all of them in one statement at the end — for a
    /// move and everything after it. A batch of fresh alarms (Doctor's consumers make one per VM) costs one commit,
    /// not one per alarm before its webhook.
    /// </summary>
    public async Task<IReadOnlyList<WebhookDelivery>> RouteAsync(
        IReadOnlyList<AppendedNotification> notifications, Action<WebhookDelivery> ready, CancellationToken ct)
    {
        var deliveries = new List<WebhookDelivery>();
        // Moves of this batch, not stored yet: later notifications of the batch see them (an alarm without repeat
        // actions fires once), and from the first one on, deliveries wait for the store (so order is kept).
        var moves = new Dictionary<Guid, AlarmStatus>();
        var held = new List<(WebhookDelivery Delivery, Guid? AlarmId)>();
        foreach (var (notification, seq) in notifications)
        {
            IReadOnlyList<EventTrait>? traits = null;
            // Hearing() is a snapshot: a move stored below is seen by the next batch; this one sees it through moves.
            // As a string query compares it (TraitText), so a bound alarm is found exactly when its condition can hold.
            var instanceId = notification.Payload?["instance_id"] is JsonValue id ? TraitText.Of(id) : null;
            foreach (var heard in alarms.Hearing(notification.ProjectId, instanceId))
            {
                var alarm = moves.TryGetValue(heard.Id, out var moved) ? heard with { Status = moved } : heard;
                if (AlarmEvaluator.Evaluate(alarm, notification) is not { } firing)
                    continue;
                if (firing.EntersAlarm)
                    moves[alarm.Id] = new AlarmStatus(AlarmStates.Alarm, AlarmRepository.Timestamp(clock), firing.Reason, firing.Previous, notification.MessageId);
                traits ??= EventTrait.From(notification.Payload);
                var body = AodhAlarmNotification.For(firing, notification, traits).ToUtf8Json();
                foreach (var delivery in await DeliveriesAsync(notification, seq, AlarmSubscriber(alarm.Id), alarm.AlarmActions, body, ct))
                    Add(delivery, alarm.Id);
            }
            foreach (var subscription in subscriptions.All)
            {
                if (FaultNotification.For(subscription, notification) is not { } fault)
                    continue;
                foreach (var delivery in await DeliveriesAsync(notification, seq, subscription.Subscriber, subscription.Endpoints, JsonSerializer.SerializeToUtf8Bytes(fault), ct))
                    Add(delivery, null);
            }
        }
        if (moves.Count > 0)
        {
            // Stored before any held delivery is handed out: a crash in between replays the notification, and FiredBy
            // makes it fire again. An alarm deleted meanwhile is not stored, and its deliveries are dropped.
            var stored = await alarms.RecordStatusesAsync(moves, ct);
            foreach (var (delivery, alarmId) in held)
            {
                if (alarmId is { } a && moves.ContainsKey(a) && !stored.Contains(a))
                    continue;
                deliveries.Add(delivery);
                ready(delivery);
            }
        }
        return deliveries;

        void Add(WebhookDelivery delivery, Guid? alarmId)
        {
            if (moves.Count > 0)
            {
                held.Add((delivery, alarmId));
                return;
            }
            deliveries.Add(delivery);
            ready(delivery);
        }
    }

    /// <summary>The subscriber name of an alarm's deliveries and secret.</summary>
    public static string AlarmSubscriber(Guid alarmId) => $"alarm:{alarmId}";

    private async Task<List<WebhookDelivery>> DeliveriesAsync(
        NotificationEmitted notification, long seq, string subscriber, IReadOnlyList<Uri> endpoints, byte[] body, CancellationToken ct)
    {
        var deliveries = new List<WebhookDelivery>(endpoints.Count);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [RequestIdHeader] = $"req-{Guid.NewGuid()}",
        };
        if (await secrets.FindAsync(subscriber, ct) is { } secret)
            headers[WebhookSignature.Header] = WebhookSignature.Sign(secret, body);
        foreach (var endpoint in endpoints)
        {
            var id = DeliveryIds.For(notification.MessageId, subscriber, endpoint);
            deliveries.Add(new WebhookDelivery(endpoint, id.ToString(), body, subscriber, headers) { Id = id, MessageId = notification.MessageId, Seq = seq });
        }
        return deliveries;
    }
}
