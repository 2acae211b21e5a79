using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Doctor.AdminApi.Metrics;

public static class MetricsExtensions
{
    /// <summary>
    /// Registers <see cref="PrometheusExporter"/> and the HTTP and process metrics. Features add their
    /// own by creating instruments on a meter named <c>Doctor.&lt;Feature&gt;</c> from the injected
    /// <see cref="System.Diagnostics.Metrics.IMeterFactory"/>; they are exported without further registration.
    /// </summary>
    public static IServiceCollection AddDoctorMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton<PrometheusExporter>();
        services.AddSingleton<HttpMetrics>();
        services.AddSingleton<ProcessMetrics>();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>Starts collecting and times every request; call it first so it sees the final status of each.</summary>
    public static IApplicationBuilder UseDoctorMetrics(this IApplicationBuilder app)
    {
        // Resolve now: the listener must be running before the first measurement, and the process gauges exist once created.
        app.ApplicationServices.GetRequiredService<PrometheusExporter>();
        app.ApplicationServices.GetRequiredService<ProcessMetrics>();
        return app.UseMiddleware<HttpMetricsMiddleware>();
    }

    /// <summary>Maps <c>GET /metrics</c> (Prometheus text format 0.0.4).</summary>
    public static IEndpointConventionBuilder MapDoctorMetrics(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/metrics", (PrometheusExporter exporter) => TypedResults.Text(exporter.Render(), PrometheusExporter.ContentType))
            .ExcludeFromDescription();
}
