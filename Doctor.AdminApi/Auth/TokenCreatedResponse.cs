using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Auth;

/// <summary>Answer of <c>POST /v1/auth/tokens</c>: the only time <c>token</c> is ever shown.</summary>
public sealed record TokenCreatedResponse(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("project_id")] string? ProjectId,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt);
