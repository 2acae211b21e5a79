using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Doctor.Workflows.Notifications;

/// <summary>
/// The outbox record (DESIGN.md §7): appended in the same transaction as the decision that causes it, in whatever
/// stream took the decision, under the type name <see cref="TypeName"/>. The notifier tails the feed and delivers it
/// to every matching alarm / subscription. <see cref="ProjectId"/> null means an admin-level audience
/// (e.g. <c>maintenance.host</c> to inspectors): only admin-owned alarms receive it.
/// </summary>
public sealed record NotificationEmitted(
    [property: JsonPropertyName("message_id")] string MessageId,
    [property: JsonPropertyName("event_type")] string EventType,
    [property: JsonPropertyName("project_id")] string? ProjectId,
    [property: JsonPropertyName("payload")] JsonObject Payload,
    [property: JsonPropertyName("generated")] DateTimeOffset Generated)
{
    public const string TypeName = "notification.emitted.v1";
}
