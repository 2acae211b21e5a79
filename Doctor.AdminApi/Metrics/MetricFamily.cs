using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Doctor.AdminApi.Metrics;

/// <summary>
/// Everything recorded on the instruments that share one Prometheus metric name: a value per label
/// set (counters, gauges) or a bucketed distribution per label set (histograms).
/// </summary>
internal sealed class MetricFamily(string name, string type, string? help, double[] bucketBounds)
{
    private readonly ConcurrentDictionary<string, Series> _series = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    /// <summary><c>counter</c>, <c>gauge</c> or <c>histogram</c>.</summary>
    public string Type { get; } = type;

    public void Add(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) => SeriesFor(tags).Add(value);

    public void Set(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) => SeriesFor(tags).Set(value);

    public void Observe(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) => SeriesFor(tags).Observe(value, bucketBounds);

    public void WriteTo(StringBuilder text)
    {
        if (_series.IsEmpty)
        {
            return;
        }
        if (!string.IsNullOrEmpty(help))
        {
            text.Append("# HELP ").Append(Name).Append(' ').Append(help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
        }
        text.Append("# TYPE ").Append(Name).Append(' ').Append(Type).Append('\n');
        foreach (var (labels, series) in _series.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            if (Type == "histogram")
            {
                series.WriteHistogram(text, Name, labels, bucketBounds);
            }
            else
            {
                text.Append(Name);
                if (labels.Length > 0)
                {
                    text.Append('{').Append(labels).Append('}');
                }
                text.Append(' ').Append(Format(series.Value)).Append('\n');
            }
        }
    }

    private Series SeriesFor(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = Labels(tags);
        return _series.GetOrAdd(labels, static (_, buckets) => new Series(buckets), bucketBounds.Length);
    }

    /// <summary>The label set in exposition form, sorted by name so the same tags always make the same series.</summary>
    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return "";
        }
        var pairs = new List<(string Name, string Value)>(tags.Length);
        foreach (var tag in tags)
        {
            pairs.Add((PrometheusNames.Sanitize(tag.Key), Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? ""));
        }
        pairs.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        var text = new StringBuilder();
        foreach (var (labelName, value) in pairs)
        {
            if (text.Length > 0)
            {
                text.Append(',');
            }
            text.Append(labelName).Append("=\"").Append(EscapeLabelValue(value)).Append('"');
        }
        return text.ToString();
    }

    private static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    internal static string Format(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString(CultureInfo.InvariantCulture),
    };

    private sealed class Series(int buckets)
    {
        private readonly Lock _gate = new();
        private readonly long[] _bucketCounts = new long[buckets];
        private double _value;
        private long _count;

        public double Value
        {
            get
            {
                lock (_gate)
                {
                    return _value;
                }
            }
        }

        public void Add(double value)
        {
            lock (_gate)
            {
                _value += value;
            }
        }

        public void Set(double value)
        {
            lock (_gate)
            {
                _value = value;
            }
        }

        public void Observe(double value, double[] bounds)
        {
            var bucket = Array.BinarySearch(bounds, value);
            if (bucket < 0)
            {
                bucket = ~bucket;   // first bound above the value; bounds are inclusive upper limits
            }
            lock (_gate)
            {
                _value += value;
                _count++;
                if (bucket < _bucketCounts.Length)
                {
                    _bucketCounts[bucket]++;
                }
            }
        }

        public void WriteHistogram(StringBuilder text, string name, string labels, double[] bounds)
        {
            long[] counts;
            double sum;
            long count;
            lock (_gate)
            {
                counts = (long[])_bucketCounts.Clone();
                sum = _value;
                count = _count;
            }
            var separator = labels.Length > 0 ? "," : "";
            long cumulative = 0;
            for (var i = 0; i < bounds.Length; i++)
            {
                cumulative += counts[i];
                text.Append(name).Append("_bucket{").Append(labels).Append(separator).Append("le=\"").Append(Format(bounds[i])).Append("\"} ")
                    .Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
            text.Append(name).Append("_bucket{").Append(labels).Append(separator).Append("le=\"+Inf\"} ").Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');
            var braces = labels.Length > 0 ? "{" + labels + "}" : "";
            text.Append(name).Append("_sum").Append(braces).Append(' ').Append(Format(sum)).Append('\n');
            text.Append(name).Append("_count").Append(braces).Append(' ').Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
    }
}
