using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Alarms;

/// <summary>One query condition as Aodh shows it.</summary>
public sealed record AodhQueryView(
    [property: JsonPropertyName("field")] string Field,
    [property: JsonPropertyName("op")] string Op,
    [property: JsonPropertyName("value")] string Value,
    [property: JsonPropertyName("type")] string Type);
