using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Doctor.Workflows.Notifications.Bus;

/// <summary>
/// A notification as it travels on the bus: the oslo.messaging notification envelope (CONTRACTS.md "Bus"), serialized
/// as plain JSON with exactly these names so OpenStack-side consumers read it without knowing MassTransit.
/// <see cref="Timestamp"/> is oslo's format (<c>2026-11-28 20:41:07.123456</c>, UTC).
/// </summary>
public sealed record BusNotification(
    [property: JsonPropertyName("message_id")] string MessageId,
    [property: JsonPropertyName("publisher_id")] string PublisherId,
    [property: JsonPropertyName("event_type")] string EventType,
    [property: JsonPropertyName("priority")] string Priority,
    [property: JsonPropertyName("timestamp")] string Timestamp,
    [property: JsonPropertyName("payload")] JsonObject Payload)
{
    public const string Publisher = "doctor";
    public const string InfoPriority = "INFO";
    public const string TimestampFormat = "yyyy-MM-dd HH:mm:ss.ffffff";

    public static BusNotification From(NotificationEmitted notification) => new(
        notification.MessageId,
        Publisher,
        notification.EventType,
        InfoPriority,
        notification.Generated.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture),
        notification.Payload ?? []);

    /// <summary>A string member of the payload, or null when absent or not a string.</summary>
    public string? PayloadText(string name) =>
        Payload.TryGetPropertyValue(name, out var node) && node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
