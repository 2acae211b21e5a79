using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Auth;

/// <summary>A token as listed: everything but the secret, which is shown once when created and never stored.</summary>
public sealed record TokenView(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("project_id")] string? ProjectId,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("created_by")] string CreatedBy,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("revoked_at")] DateTimeOffset? RevokedAt)
{
    public static TokenView Of(AccessToken t) => new(t.Id, t.Role, t.ProjectId, t.Name, t.CreatedBy, t.CreatedAt, t.RevokedAt);
}
