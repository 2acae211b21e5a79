using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Alarms;

/// <summary>A media type of a version document.</summary>
public sealed record ApiMediaTypeView(
    [property: JsonPropertyName("base")] string Base,
    [property: JsonPropertyName("type")] string Type);
