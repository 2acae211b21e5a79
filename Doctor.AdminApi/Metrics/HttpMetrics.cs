using System.Diagnostics.Metrics;

namespace Doctor.AdminApi.Metrics;

/// <summary>
/// Request count and duration per method, route template and status code, exported as
/// <c>doctor_http_server_requests_total</c> and <c>doctor_http_server_request_duration_seconds</c>.
/// </summary>
public sealed class HttpMetrics
{
    public const string MeterName = "Doctor.Http";

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;

    public HttpMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>("doctor.http.server.requests", description: "HTTP requests answered, by method, route and status.");
        _duration = meter.CreateHistogram<double>("doctor.http.server.request.duration", unit: "s",
            description: "Time to answer HTTP requests, by method, route and status.");
    }

    public void RequestAnswered(string method, string route, int status, TimeSpan elapsed)
    {
        // The route template, never the raw path: one series per endpoint, not per id.
        ReadOnlySpan<KeyValuePair<string, object?>> tags =
        [
            new("method", method),
            new("route", route),
            new("status", status),
        ];
        _requests.Add(1, tags);
        _duration.Record(elapsed.TotalSeconds, tags);
    }
}
