using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Auth;

/// <summary>Body of <c>POST /v1/auth/tokens</c>.</summary>
public sealed record CreateTokenRequest(
    [property: JsonPropertyName("role")] string? Role,
    [property: JsonPropertyName("project_id")] string? ProjectId,
    [property: JsonPropertyName("name")] string? Name);
