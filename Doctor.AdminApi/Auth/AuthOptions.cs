namespace Doctor.AdminApi.Auth;

/// <summary>Who may call the API and how often, bound from <c>Doctor:Auth</c> (environment: <c>Doctor__Auth__*</c>).</summary>
public sealed class AuthOptions
{
    public const string Section = "Doctor:Auth";

    /// <summary>
    /// <c>tokens</c> (default): every call needs a token. <c>none</c>: no checks at all, every caller is the admin —
    /// for a developer's machine only; the service logs a warning at start.
    /// </summary>
    public string Mode { get; set; } = AuthModes.Tokens;

    /// <summary>
    /// The admin token. Empty with the embedded database: generated on first start into <c>.doctor/admin-token</c>
    /// (beside the cluster's data directory, mode 0600) and reused afterwards. Empty with a configured server: start fails.
    /// </summary>
    public string? AdminToken { get; set; }

    /// <summary><c>GET /health</c> needs a token too (default: open, for load balancers and probes).</summary>
    public bool ProtectHealth { get; set; }

    /// <summary><c>GET /metrics</c> needs a token too (default: open, for Prometheus).</summary>
    public bool ProtectMetrics { get; set; }

    public RateLimitOptions RateLimit { get; set; } = new();
}
