using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Infrastructure;

/// <summary><c>PUT /v1/infra/floating_ips/{ip}</c>: the instance that takes the floating IP over.</summary>
public sealed record MoveFloatingIpRequest([property: JsonPropertyName("instance_id")] string? InstanceId);
