using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Doctor.AdminApi.Health;

/// <summary>Writes a health report as <see cref="HealthResponse"/> JSON.</summary>
internal static class HealthReportWriter
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var body = new HealthResponse(
            Name(report.Status),
            report.TotalDuration.TotalMilliseconds,
            report.Entries.ToDictionary(
                e => e.Key,
                e => new HealthCheckResponse(Name(e.Value.Status), e.Value.Description, e.Value.Duration.TotalMilliseconds)));
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsJsonAsync(body, JsonSerializerOptions.Web, "application/json", context.RequestAborted);
    }

    private static string Name(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };
}
