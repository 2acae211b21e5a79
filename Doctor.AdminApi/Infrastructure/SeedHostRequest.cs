using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Infrastructure;

/// <summary>One host of a <see cref="SeedRequest"/>.</summary>
public sealed record SeedHostRequest(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("vcpus")] int? Vcpus);
