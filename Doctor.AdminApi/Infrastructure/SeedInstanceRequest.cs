using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Infrastructure;

/// <summary>One instance of a <see cref="SeedRequest"/>; without <c>id</c> it gets a new UUID.</summary>
public sealed record SeedInstanceRequest(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("host")] string? Host,
    [property: JsonPropertyName("project_id")] string? ProjectId,
    [property: JsonPropertyName("vcpus")] int? Vcpus,
    [property: JsonPropertyName("floating_ip")] string? FloatingIp);
