using System.Security.Claims;
using Doctor.AdminApi.Alarms;

namespace Doctor.AdminApi.Auth;

/// <summary>
/// The claims a token gives its request: <c>role</c> and <c>project_id</c> (what <see cref="AlarmCaller"/> and every
/// ownership check read), <c>name</c> (the actor recorded in event metadata) and <c>token_id</c> (the rate-limit partition).
/// </summary>
public static class DoctorClaims
{
    public const string Role = AlarmCaller.RoleClaim;
    public const string Project = AlarmCaller.ProjectClaim;
    public const string Name = "name";
    public const string TokenId = "token_id";
    public const string AdminRole = "admin";
    public const string ProjectRole = "project";

    public static ClaimsPrincipal Admin(string scheme) => Principal(scheme,
        new Claim(Role, AdminRole), new Claim(Name, "admin"), new Claim("sub", "admin"), new Claim(TokenId, "admin"));

    public static ClaimsPrincipal For(AccessToken token, string scheme) => token.Role == AdminRole
        ? Principal(scheme, new Claim(Role, AdminRole), new Claim(Name, $"admin/{token.Name}"),
            new Claim("sub", token.Id.ToString()), new Claim(TokenId, token.Id.ToString()))
        : Principal(scheme, new Claim(Role, ProjectRole), new Claim(Project, token.ProjectId ?? ""),
            new Claim(Name, $"project:{token.ProjectId}/{token.Name}"), new Claim("sub", token.Id.ToString()), new Claim(TokenId, token.Id.ToString()));

    public static bool IsAdmin(this ClaimsPrincipal user) => user.FindFirst(Role)?.Value == AdminRole;

    private static ClaimsPrincipal Principal(string scheme, params Claim[] claims) =>
        new(new ClaimsIdentity(claims, scheme, Name, Role));
}
