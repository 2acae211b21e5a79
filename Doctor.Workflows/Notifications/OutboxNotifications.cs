using System.Text.Json;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Faults;
using Microsoft.Extensions.Logging;

namespace Doctor.Workflows.Notifications;

/// <summary>
/// Reads the outbox out of stored events: a <see cref="NotificationEmitted"/> is one notification, a
/// <see cref="FaultNotificationsEmitted"/> the notifications of an incident, in order. Every reader of the feed (the notifier, the bus
/// publisher) reads through here, so both forms are delivered alike.
/// </summary>
public static class OutboxNotifications
{
    // How the event store wrote them (snake_case): the fault record nests domain records without explicit names.
    private static readonly JsonSerializerOptions Stored = EventTypeRegistry.CreateDefaultSerializerOptions();

    /// <summary>Whether <paramref name="type"/> is an outbox event type.</summary>
    public static bool IsOutbox(string type) => type is NotificationEmitted.TypeName or FaultNotificationsEmitted.TypeName;

    /// <summary>
    /// The usable notifications in <paramref name="recorded"/>, in order; empty for any other event. An unreadable
    /// one is logged and skipped, not thrown: failing would hand the same feed batch again forever.
    /// </summary>
    public static IReadOnlyList<NotificationEmitted> Read(RecordedEvent recorded, ILogger logger)
    {
        try
        {
            switch (recorded.Type)
            {
                case NotificationEmitted.TypeName:
                    return Usable(JsonSerializer.Deserialize<NotificationEmitted>(recorded.Data), recorded, logger) is { } one ? [one] : [];
                case FaultNotificationsEmitted.TypeName:
                    var fault = JsonSerializer.Deserialize<FaultNotificationsEmitted>(recorded.Data, Stored);
                    if (fault?.Fault is null || fault.Instances is null || fault.State is null)
                    {
                        logger.LogError("event {Seq} ({EventId}): {Type} without fault, instances or state, skipped", recorded.Seq, recorded.Id, recorded.Type);
                        return [];
                    }
                    return fault.Expand();
                default:
                    return [];
            }
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            logger.LogError(e, "event {Seq} ({EventId}): not a readable {Type}", recorded.Seq, recorded.Id, recorded.Type);
            return [];
        }
    }

    private static NotificationEmitted? Usable(NotificationEmitted? notification, RecordedEvent recorded, ILogger logger)
    {
        if (notification is null || string.IsNullOrEmpty(notification.MessageId) || string.IsNullOrEmpty(notification.EventType))
        {
            logger.LogError("event {Seq} ({EventId}): notification without message_id or event_type, skipped", recorded.Seq, recorded.Id);
            return null;
        }
        return notification.Payload is null ? notification with { Payload = [] } : notification;
    }
}
