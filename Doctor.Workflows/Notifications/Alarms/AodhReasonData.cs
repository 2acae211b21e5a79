using System.Text.Json.Serialization;

namespace Doctor.Workflows.Notifications.Alarms;

/// <summary><c>reason_data</c> of an event alarm firing: <c>{"type": "event", "event": {...}}</c>.</summary>
public sealed record AodhReasonData(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("event")] AodhEvent Event);
