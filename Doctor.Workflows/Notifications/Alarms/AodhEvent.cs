using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Doctor.Workflows.Notifications.Alarms;

/// <summary>The event inside an Aodh firing (<c>reason_data.event</c>), shaped as ceilometer hands events to Aodh.</summary>
public sealed record AodhEvent(
    [property: JsonPropertyName("message_id")] string MessageId,
    [property: JsonPropertyName("event_type")] string EventType,
    [property: JsonPropertyName("generated")] string Generated,
    [property: JsonPropertyName("traits")] IReadOnlyList<EventTrait> Traits,
    [property: JsonPropertyName("raw")] JsonObject Raw);
