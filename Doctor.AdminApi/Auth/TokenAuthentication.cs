using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Doctor.AdminApi.Auth;

/// <summary>
/// CONTRACTS.md "Auth": the token comes in <c>X-Auth-Token</c> (what Doctor and Fenix clients send) or
/// <c>Authorization: Bearer</c>. The admin token is checked in memory, project tokens in the database.
/// A missing or unknown token is answered 401 problem+json; the token itself never reaches a log.
/// </summary>
public sealed class TokenAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<AuthOptions> auth,
    AdminCredential admin,
    AccessTokenStore tokens,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "DoctorToken";
    public const string HeaderName = "X-Auth-Token";
    private const string Failed = "doctor.auth.failed";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (auth.Value.Mode == AuthModes.None)
            return Success(DoctorClaims.Admin(SchemeName));
        var token = Presented(Request);
        if (token is null)
            return AuthenticateResult.NoResult();
        if (admin.Matches(token))
            return Success(DoctorClaims.Admin(SchemeName));
        if (token.Length <= 200 && await tokens.FindActiveAsync(token, Context.RequestAborted) is { } found)
            return Success(DoctorClaims.For(found, SchemeName));
        Context.Items[Failed] = true;
        return AuthenticateResult.Fail("not a valid token");
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        var title = Context.Items.ContainsKey(Failed)
            ? $"{HeaderName}: not a valid token (unknown or revoked)"
            : $"{HeaderName}: a token is required (send {HeaderName}: <token> or Authorization: Bearer <token>)";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = StatusCodes.Status401Unauthorized, Title = title },
        });
    }

    /// <summary>The token the request carries, if any.</summary>
    public static string? Presented(HttpRequest request)
    {
        if (request.Headers[HeaderName] is [{ Length: > 0 } header])
            return header.Trim();
        if (request.Headers.Authorization is [{ } authorization] && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return authorization["Bearer ".Length..].Trim() is { Length: > 0 } bearer ? bearer : null;
        return null;
    }

    private AuthenticateResult Success(System.Security.Claims.ClaimsPrincipal principal) =>
        AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
}
