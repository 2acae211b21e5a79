using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Health;

/// <summary>One check in <see cref="HealthResponse"/>: <c>healthy</c>, <c>degraded</c> or <c>unhealthy</c>, with why.</summary>
public sealed record HealthCheckResponse(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("duration_ms")] double DurationMs);
