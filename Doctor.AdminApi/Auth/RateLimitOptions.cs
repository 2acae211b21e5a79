namespace Doctor.AdminApi.Auth;

/// <summary>
/// Per-caller token bucket (<c>Doctor:Auth:RateLimit</c>): a token's requests, or an anonymous address's, refill at
/// <see cref="PermitsPerSecond"/> up to <see cref="Burst"/>; past that the answer is 429 with <c>Retry-After</c>.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>Zero or less turns rate limiting off.</summary>
    public int PermitsPerSecond { get; set; } = 500;

    public int Burst { get; set; } = 2000;
}
