using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Infrastructure;

/// <summary>The whole simulated cloud after a seed, so a caller sees the ids given to instances seeded without one.</summary>
public sealed record InfraTopologyResponse(
    [property: JsonPropertyName("hosts")] IReadOnlyList<InfraHostResponse> Hosts,
    [property: JsonPropertyName("instances")] IReadOnlyList<InfraInstanceResponse> Instances);
