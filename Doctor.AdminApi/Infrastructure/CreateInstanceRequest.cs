using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Infrastructure;

/// <summary><c>POST /v1/infra/instances</c>. <c>id</c> is our addition: a fixed id instead of a new UUID.</summary>
public sealed record CreateInstanceRequest(
    [property: JsonPropertyName("project_id")] string? ProjectId,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("vcpus")] int? Vcpus,
    [property: JsonPropertyName("id")] string? Id);
