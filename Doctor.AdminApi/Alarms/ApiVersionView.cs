using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Alarms;

/// <summary>One API version as OpenStack's version documents describe it.</summary>
public sealed record ApiVersionView(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("links")] IReadOnlyList<ApiLinkView> Links,
    [property: JsonPropertyName("media-types")] IReadOnlyList<ApiMediaTypeView> MediaTypes,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("updated")] string Updated);
