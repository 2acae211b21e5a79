using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Alarms;

/// <summary>
/// The body of <c>POST /v2/query/alarms</c> and <c>POST /v2/query/alarms/history</c>, Aodh's <c>ComplexQuery</c>: the
/// filter and the ordering are JSON <em>text</em> (<c>"{\"=\": {\"severity\": \"critical\"}}"</c>,
/// <c>"[{\"timestamp\": \"desc\"}]"</c>), all three optional.
/// </summary>
public sealed record ComplexQueryRequest(
    [property: JsonPropertyName("filter")] string? Filter,
    [property: JsonPropertyName("orderby")] string? OrderBy,
    [property: JsonPropertyName("limit")] int? Limit);
