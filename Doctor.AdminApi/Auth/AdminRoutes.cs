using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Doctor.AdminApi.Auth;

/// <summary>
/// Who may do what, in one place (docs/security.md has the same table): the routes only an admin may call. Features
/// map their endpoints without thinking about roles; this guard, after authentication, refuses a project token on any
/// route listed here with 403 — whoever mapped it. Everything else needs any valid token, and project-scoped endpoints
/// check the caller's project themselves (<see cref="Alarms.AlarmCaller"/>).
/// </summary>
public sealed partial class AdminRoutes(RequestDelegate next, IProblemDetailsService problems)
{
    public static IReadOnlyList<AdminRoute> All { get; } =
    [
        new("/v1/auth", AndBelow: true),
        // The simulated cloud stands for Nova/Neutron's admin API: reads as well as writes.
        new("/v1/infra", AndBelow: true),
        // The global feed and raw streams show every project's events.
        new("/v1/events", AndBelow: true),
        new("/v1/streams", AndBelow: true),
        // Sessions: open, list, update (resume, reschedule), delete, and the full timeline and detail (they hold every project's replies).
        new("/v1/maintenance", AndBelow: false, "GET", "POST"),
        new("/v1/maintenance/{}", AndBelow: false, "PUT", "POST", "DELETE"),
        new("/v1/maintenance/{}/history", AndBelow: false),
        new("/v1/maintenance/{}/detail", AndBelow: false),
        // Fault management: monitors' input, physical state, fencing and incidents. The fault query is not here: it
        // shows a project the faults on its own instances only.
        new("/v1/inspector", AndBelow: true),
        new("/v1/resources/physical", AndBelow: true),
        new("/v1/os-services", AndBelow: true),
        new("/v1/incidents", AndBelow: true),
        new("/v1/dead-letters", AndBelow: true),
    ];

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint() is RouteEndpoint endpoint && !context.User.IsAdmin()
            && IsAdminOnly(context.Request.Method, endpoint.RoutePattern))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status403Forbidden,
                    Title = $"{context.Request.Method} {endpoint.RoutePattern.RawText}: admin only; a project token may not call it",
                },
            });
            return;
        }
        await next(context);
    }

    public static bool IsAdminOnly(string method, RoutePattern pattern) =>
        Normalize(pattern.RawText ?? "") is var normalized && All.Any(r => r.Covers(method, normalized));

    /// <summary><c>/v1/maintenance/{sessionId}/</c> → <c>/v1/maintenance/{}</c>: parameter names do not matter.</summary>
    public static string Normalize(string pattern) =>
        "/" + Parameter().Replace(pattern.Trim('/'), "{}");

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Parameter();
}
