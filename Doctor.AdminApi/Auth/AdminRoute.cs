namespace Doctor.AdminApi.Auth;

/// <summary>
/// A route only the admin may use: <paramref name="Methods"/> (empty = all) on a route pattern, where any
/// <c>{parameter}</c> matches any parameter; <paramref name="AndBelow"/> covers every route under it as well.
/// </summary>
public sealed record AdminRoute(string Pattern, bool AndBelow, params string[] Methods)
{
    public bool Covers(string method, string normalizedPattern) =>
        (Methods.Length == 0 || Methods.Contains(method, StringComparer.OrdinalIgnoreCase))
        && (normalizedPattern == Normalized || (AndBelow && normalizedPattern.StartsWith(Normalized + "/", StringComparison.Ordinal)));

    private string Normalized { get; } = AdminRoutes.Normalize(Pattern);
}
