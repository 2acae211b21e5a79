using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Infrastructure;

/// <summary><c>POST /v1/infra/seed</c>: the topology that replaces the current one. <c>instances</c> may be left out.</summary>
public sealed record SeedRequest(
    [property: JsonPropertyName("hosts")] IReadOnlyList<SeedHostRequest?>? Hosts,
    [property: JsonPropertyName("instances")] IReadOnlyList<SeedInstanceRequest?>? Instances);
