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
}
