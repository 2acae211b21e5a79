using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;

namespace Doctor.AdminApi.Metrics;

/// <summary>Outermost middleware: times each request and records it in <see cref="HttpMetrics"/> with its final status.</summary>
internal sealed class HttpMetricsMiddleware(RequestDelegate next, HttpMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            // The exception handler clears the endpoint before it answers, but keeps it in its feature.
            var endpoint = context.GetEndpoint() ?? context.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
            var route = (endpoint as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
            metrics.RequestAnswered(context.Request.Method, route, context.Response.StatusCode, Stopwatch.GetElapsedTime(started));
        }
    }
}
