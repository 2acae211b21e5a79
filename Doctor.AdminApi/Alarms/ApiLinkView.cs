using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Alarms;

/// <summary>A link of a version document.</summary>
public sealed record ApiLinkView(
    [property: JsonPropertyName("href")] string Href,
    [property: JsonPropertyName("rel")] string Rel,
    [property: JsonPropertyName("type"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Type);
