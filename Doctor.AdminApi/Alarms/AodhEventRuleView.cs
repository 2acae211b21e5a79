using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Alarms;

/// <summary>An event alarm's rule as Aodh shows it.</summary>
public sealed record AodhEventRuleView(
    [property: JsonPropertyName("event_type")] string EventType,
    [property: JsonPropertyName("query")] IReadOnlyList<AodhQueryView> Query);
