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
/// An alarm's move into <c>alarm</c> is stored here, before any delivery of it exists.
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

    /// <summary>The deliveries <paramref name="notification"/> (at feed position <paramref name="seq"/>) causes; the directories must be loaded.</summary>
    public async Task<IReadOnlyList<WebhookDelivery>> RouteAsync(NotificationEmitted notification, long seq, CancellationToken ct)
    {
        var deliveries = new List<WebhookDelivery>();
        IReadOnlyList<EventTrait>? traits = null;
        // Hearing() is a snapshot: a state stored below is seen by the next notification, not by this loop.
        // As a string query compares it (TraitText), so a bound alarm is found exactly when its condition can hold.
        var instanceId = notification.Payload?["instance_id"] is JsonValue id ? TraitText.Of(id) : null;
        foreach (var alarm in alarms.Hearing(notification.ProjectId, instanceId))
        {
            if (AlarmEvaluator.Evaluate(alarm, notification) is not { } firing)
                continue;
            if (firing.EntersAlarm)
            {
                // Stored before the deliveries: a crash in between replays the notification, and FiredBy makes it fire again.
                var status = new AlarmStatus(AlarmStates.Alarm, AlarmRepository.Timestamp(clock), firing.Reason, firing.Previous, notification.MessageId);
                if (await alarms.RecordStatusAsync(alarm.Id, status, ct) is null)
                    continue; // deleted meanwhile
            }
            traits ??= EventTrait.From(notification.Payload);
            var body = AodhAlarmNotification.For(firing, notification, traits).ToUtf8Json();
            await AddAsync(deliveries, notification, seq, AlarmSubscriber(alarm.Id), alarm.AlarmActions, body, ct);
        }
        foreach (var subscription in subscriptions.All)
        {
            if (FaultNotification.For(subscription, notification) is not { } fault)
                continue;
            await AddAsync(deliveries, notification, seq, subscription.Subscriber, subscription.Endpoints, JsonSerializer.SerializeToUtf8Bytes(fault), ct);
        }
        return deliveries;
    }

    /// <summary>The subscriber name of an alarm's deliveries and secret.</summary>
    public static string AlarmSubscriber(Guid alarmId) => $"alarm:{alarmId}";

    private async Task AddAsync(
        List<WebhookDelivery> deliveries, NotificationEmitted notification, long seq, string subscriber, IReadOnlyList<Uri> endpoints, byte[] body, CancellationToken ct)
    {
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
    }
}
