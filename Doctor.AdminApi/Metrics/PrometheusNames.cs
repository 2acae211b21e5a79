using System.Diagnostics.Metrics;
using System.Text;

namespace Doctor.AdminApi.Metrics;

/// <summary>
/// How an instrument's name becomes a Prometheus metric name: dots and other characters become
/// underscores, the unit is appended (<c>s</c> → <c>_seconds</c>), counters end in <c>_total</c>.
/// <c>doctor.http.server.request.duration</c> in seconds → <c>doctor_http_server_request_duration_seconds</c>.
/// </summary>
internal static class PrometheusNames
{
    public static string For(Instrument instrument, bool isCounter)
    {
        var name = Sanitize(instrument.Name);
        var unit = instrument.Unit switch
        {
            "s" => "seconds",
            "ms" => "milliseconds",
            "By" => "bytes",
            _ => null,
        };
        if (unit is not null && !name.EndsWith("_" + unit, StringComparison.Ordinal))
        {
            name += "_" + unit;
        }
        if (isCounter && !name.EndsWith("_total", StringComparison.Ordinal))
        {
            name += "_total";
        }
        return name;
    }

    public static string Sanitize(string name)
    {
        var text = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            text.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? char.ToLowerInvariant(c) : '_');
        }
        if (text.Length == 0 || char.IsAsciiDigit(text[0]))
        {
            text.Insert(0, '_');
        }
        return text.ToString();
    }
}
