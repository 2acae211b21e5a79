using System.Text.Json;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Notifications.Delivery;
using Microsoft.Extensions.Logging;

namespace Doctor.Workflows.Notifications.Alarms;

/// <summary>
/// Aodh's event alarm evaluator and REST notifier in one feed handler: for every <see cref="NotificationEmitted"/> in
/// the feed, finds the enabled alarms it matches, stores each alarm's move into <c>alarm</c>, and queues the Aodh body
/// for every <c>alarm_actions</c> URL.
/// <para>
/// <see cref="HandleAsync"/> returns once the batch's deliveries are handed to the per-endpoint queues, not once they
/// are delivered, so one dead endpoint cannot stall the feed. The price, accepted for now: deliveries queued when the
/// process dies are lost although the checkpoint has moved past them. Persistent delivery state closes that window.
/// </para>
/// </summary>
public sealed class AlarmNotifier(AlarmDirectory directory, WebhookDispatcher dispatcher, TimeProvider clock, ILogger<AlarmNotifier> logger)
    : IEventFeedHandler
{
    public const string HandlerName = "alarm-notifier";

    public string Name => HandlerName;

    public async Task HandleAsync(IReadOnlyList<RecordedEvent> batch, CancellationToken ct)
    {
        // Alarms created on other nodes count too (scale-out): reload before matching a batch that has notifications.
        if (batch.Any(e => e.Type == NotificationEmitted.TypeName))
            await directory.RefreshAsync(ct);
        else
            await directory.EnsureLoadedAsync(ct);
        foreach (var recorded in batch)
        {
            if (recorded.Type != NotificationEmitted.TypeName)
                continue;
            if (Read(recorded) is { } notification)
                await EvaluateAsync(notification, ct);
        }
    }

    private async Task EvaluateAsync(NotificationEmitted notification, CancellationToken ct)
    {
        IReadOnlyList<EventTrait>? traits = null;
        // Hearing() is a snapshot: a state stored below is seen by the next notification of the batch, not by this loop.
        foreach (var alarm in directory.Hearing(notification.ProjectId))
        {
            if (AlarmEvaluator.Evaluate(alarm, notification) is not { } firing)
                continue;
            if (firing.EntersAlarm)
            {
                // Stored before anything is queued: a crash in between replays the notification, and FiredBy makes it fire again.
                var status = new AlarmStatus(AlarmStates.Alarm, AlarmRepository.Timestamp(clock), firing.Reason, firing.Previous, notification.MessageId);
                if (await directory.RecordStatusAsync(alarm.Id, status, ct) is null)
                    continue; // deleted meanwhile
            }
            traits ??= EventTrait.From(notification.Payload);
            var body = AodhAlarmNotification.For(firing, notification, traits).ToUtf8Json();
            var headers = new Dictionary<string, string> { ["x-openstack-request-id"] = $"req-{Guid.NewGuid()}" };
            foreach (var endpoint in alarm.AlarmActions)
                dispatcher.Enqueue(new WebhookDelivery(endpoint, $"{notification.MessageId}:{alarm.Id}", body, $"alarm {alarm.Id}", headers));
        }
    }

    private NotificationEmitted? Read(RecordedEvent recorded)
    {
        NotificationEmitted? notification;
        try
        {
            notification = JsonSerializer.Deserialize<NotificationEmitted>(recorded.Data);
        }
        catch (JsonException e)
        {
            notification = null;
            logger.LogError(e, "event {Seq} ({EventId}): not a readable {Type}", recorded.Seq, recorded.Id, NotificationEmitted.TypeName);
        }
        if (notification is null || string.IsNullOrEmpty(notification.MessageId) || string.IsNullOrEmpty(notification.EventType))
        {
            // Skipped, not thrown: the runner would hand the same batch again forever and every later notification would wait.
            logger.LogError("event {Seq} ({EventId}): notification without message_id or event_type, skipped", recorded.Seq, recorded.Id);
            return null;
        }
        return notification.Payload is null ? notification with { Payload = [] } : notification;
    }
}
