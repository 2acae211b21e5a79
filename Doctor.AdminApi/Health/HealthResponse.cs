using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Health;

/// <summary>Body of <c>GET /health</c>: the overall status and one entry per check.</summary>
public sealed record HealthResponse(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("duration_ms")] double DurationMs,
    [property: JsonPropertyName("checks")] IReadOnlyDictionary<string, HealthCheckResponse> Checks);
