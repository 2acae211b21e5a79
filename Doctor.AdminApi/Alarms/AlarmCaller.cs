using System.Security.Claims;
using Doctor.Workflows.Notifications.Alarms;

namespace Doctor.AdminApi.Alarms;

/// <summary>
/// Who is calling the alarm API, from the claims the authentication layer put on the request: <c>role</c>
/// (<c>admin</c> | <c>project</c>) and <c>project_id</c>, set by the token (<see cref="Auth.TokenAuthentication"/>). In the
/// service no request reaches an endpoint without them (the fallback policy needs a valid token); a host without
/// authentication (tests of a single feature) gets the old reading: no role and no project is an admin.
/// </summary>
public sealed record AlarmCaller(bool IsAdmin, string? ProjectId, string? UserId)
{
    public const string RoleClaim = "role";
    public const string ProjectClaim = "project_id";

    /// <summary>The caller, or null with the reason it cannot use the API.</summary>
    public static AlarmCaller? From(ClaimsPrincipal user, out string? refusal)
    {
        refusal = null;
        var role = user.FindFirst(RoleClaim)?.Value ?? user.FindFirst(ClaimTypes.Role)?.Value;
        var project = user.FindFirst(ProjectClaim)?.Value;
        var subject = user.FindFirst("sub")?.Value ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value;
        switch (role)
        {
            case "admin":
            case null when string.IsNullOrEmpty(project):
                return new AlarmCaller(true, null, subject);
            case "project" or null when !string.IsNullOrEmpty(project):
                return new AlarmCaller(false, project, subject);
            case "project":
                refusal = "a project token without a project_id cannot use alarms";
                return null;
            default:
                refusal = $"role '{role}' cannot use alarms";
                return null;
        }
    }

    /// <summary>A project sees its own alarms only; an admin sees all.</summary>
    public bool Owns(EventAlarm alarm) =>
        IsAdmin || string.Equals(alarm.ProjectId, ProjectId, StringComparison.Ordinal);
}
