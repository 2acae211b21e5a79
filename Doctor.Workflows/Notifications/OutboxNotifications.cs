using System.Text.Json;
using Doctor.Workflows.EventStore;
using Microsoft.Extensions.Logging;

namespace Doctor.Workflows.Notifications;

/// <summary>
/// Reads the outbox out of stored events: a <see cref="NotificationEmitted"/> is one notification, a
/// <see cref="NotificationBatchEmitted"/> is several, in order. Every reader of the feed (the notifier, the bus
/// publisher) reads through here, so both forms are delivered alike.
/// </summary>
public static class OutboxNotifications
{
    /// <summary>Whether <paramref name="type"/> is an outbox event type.</summary>
    public static bool IsOutbox(string type) => type is NotificationEmitted.TypeName or NotificationBatchEmitted.TypeName;

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
                case NotificationBatchEmitted.TypeName:
                    var batch = JsonSerializer.Deserialize<NotificationBatchEmitted>(recorded.Data);
                    var usable = new List<NotificationEmitted>(batch?.Notifications?.Count ?? 0);
                    foreach (var notification in batch?.Notifications ?? [])
                    {
                        if (Usable(notification, recorded, logger) is { } ok)
                            usable.Add(ok);
                    }
                    return usable;
                default:
                    return [];
            }
        }
        catch (JsonException e)
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
