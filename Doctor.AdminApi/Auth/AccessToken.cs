namespace Doctor.AdminApi.Auth;

/// <summary>A project token as stored: who it speaks for, never the token itself (only its hash is kept).</summary>
public sealed record AccessToken(
    Guid Id,
    string Role,
    string? ProjectId,
    string Name,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt);
