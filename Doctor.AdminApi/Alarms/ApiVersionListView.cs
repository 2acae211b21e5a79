using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Alarms;

/// <summary>The <c>versions</c> member of <see cref="ApiVersionsView"/>.</summary>
public sealed record ApiVersionListView([property: JsonPropertyName("values")] IReadOnlyList<ApiVersionView> Values);
