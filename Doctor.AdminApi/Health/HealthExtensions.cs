using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Doctor.AdminApi.Health;

public static class HealthExtensions
{
    /// <summary>
    /// Registers the health checks behind <c>GET /health</c>, starting with <c>database</c>. Features add
    /// theirs with <c>services.AddHealthChecks().AddCheck&lt;T&gt;("name", failureStatus: HealthStatus.Degraded)</c>:
    /// a degraded check keeps the answer 200, an unhealthy one makes it 503.
    /// </summary>
    public static IHealthChecksBuilder AddDoctorHealth(this IServiceCollection services) =>
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", HealthStatus.Unhealthy);

    /// <summary>Maps <c>GET /health</c>: 200 when healthy or degraded, 503 when any check is unhealthy.</summary>
    public static IEndpointConventionBuilder MapDoctorHealth(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapHealthChecks("/health", new HealthCheckOptions
        {
            ResponseWriter = HealthReportWriter.WriteAsync,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });

    /// <summary>
    /// Maps <c>GET /healthcheck</c> as oslo.middleware's healthcheck answers it (what Aodh deployments and their load
    /// balancers probe): <c>200 OK</c> in plain text, or 503 with the failing checks, from the same checks as /health.
    /// </summary>
    public static IEndpointConventionBuilder MapOsloHealthcheck(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapHealthChecks("/healthcheck", new HealthCheckOptions
        {
            ResponseWriter = (context, report) =>
            {
                context.Response.ContentType = "text/plain; charset=utf-8";
                return context.Response.WriteAsync(report.Status == HealthStatus.Unhealthy
                    ? string.Join("\n", report.Entries.Where(e => e.Value.Status == HealthStatus.Unhealthy).Select(e => $"{e.Key}: {e.Value.Description ?? "unhealthy"}"))
                    : "OK");
            },
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });
}
