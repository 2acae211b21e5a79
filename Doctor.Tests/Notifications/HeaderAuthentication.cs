using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Doctor.Tests.Notifications;

/// <summary>
/// Test authentication: the caller's claims come from <c>X-Test-Role</c>, <c>X-Test-Project</c> and <c>X-Test-User</c>
/// headers. No headers, no claims — the anonymous caller the alarm API treats as admin for now.
/// </summary>
public sealed class HeaderAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "TestHeaders";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var claims = new List<Claim>();
        if (Request.Headers["X-Test-Role"] is [{ } role])
            claims.Add(new Claim("role", role));
        if (Request.Headers["X-Test-Project"] is [{ } project])
            claims.Add(new Claim("project_id", project));
        if (Request.Headers["X-Test-User"] is [{ } user])
            claims.Add(new Claim("sub", user));
        if (claims.Count == 0)
            return Task.FromResult(AuthenticateResult.NoResult());
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}
