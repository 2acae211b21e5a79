using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;

namespace Doctor.AdminApi.Metrics;

/// <summary>
/// Collects every instrument of the meters named <c>Doctor.*</c> (System.Diagnostics.Metrics) and
/// renders them in the Prometheus text exposition format (version 0.0.4) for <c>GET /metrics</c>.
/// Meters created through this host's <see cref="IMeterFactory"/> are collected, and static meters;
/// meters of other hosts in the same process (tests) are not.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    public const string MeterPrefix = "Doctor";
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private static readonly double[] SecondsBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private static readonly double[] DefaultBuckets = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    private readonly IMeterFactory _meterFactory;
    private readonly MeterListener _listener;
    private readonly ConcurrentDictionary<string, MetricFamily> _families = new(StringComparer.Ordinal);
    private readonly Lock _scrape = new();

    public PrometheusExporter(IMeterFactory meterFactory)
    {
        _meterFactory = meterFactory;
        _listener = new MeterListener { InstrumentPublished = OnInstrumentPublished };
        _listener.SetMeasurementEventCallback<byte>((i, v, t, s) => Record(i, v, t, s));
        _listener.SetMeasurementEventCallback<short>((i, v, t, s) => Record(i, v, t, s));
        _listener.SetMeasurementEventCallback<int>((i, v, t, s) => Record(i, v, t, s));
        _listener.SetMeasurementEventCallback<long>((i, v, t, s) => Record(i, v, t, s));
        _listener.SetMeasurementEventCallback<float>((i, v, t, s) => Record(i, v, t, s));
        _listener.SetMeasurementEventCallback<double>((i, v, t, s) => Record(i, v, t, s));
        _listener.SetMeasurementEventCallback<decimal>((i, v, t, s) => Record(i, (double)v, t, s));
        _listener.Start();
    }

    /// <summary>All collected metrics in the exposition format, observable instruments read now.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        lock (_scrape)
        {
            _listener.RecordObservableInstruments();
            foreach (var family in _families.Values.OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                family.WriteTo(text);
            }
        }
        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        var meter = instrument.Meter;
        var ours = meter.Name.StartsWith(MeterPrefix, StringComparison.Ordinal)
            && (meter.Scope is null || ReferenceEquals(meter.Scope, _meterFactory));
        if (!ours)
        {
            return;
        }
        var kind = Kind(instrument);
        if (kind is null)
        {
            return;
        }
        var isCounter = kind is InstrumentKind.Counter or InstrumentKind.ObservableCounter;
        var name = PrometheusNames.For(instrument, isCounter);
        var type = kind switch
        {
            InstrumentKind.Histogram => "histogram",
            _ when isCounter => "counter",
            _ => "gauge",
        };
        var family = _families.GetOrAdd(name, _ => new MetricFamily(name, type, instrument.Description, Buckets(instrument)));
        listener.EnableMeasurementEvents(instrument, (family, kind.Value));
    }

    private static void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
        where T : struct, IConvertible
    {
        if (state is not (MetricFamily family, InstrumentKind kind))
        {
            return;
        }
        var number = value.ToDouble(System.Globalization.CultureInfo.InvariantCulture);
        switch (kind)
        {
            case InstrumentKind.Counter or InstrumentKind.UpDownCounter:
                family.Add(number, tags);
                break;
            case InstrumentKind.Histogram:
                family.Observe(number, tags);
                break;
            default:
                // Observable instruments report their current (cumulative) value; gauges their last.
                family.Set(number, tags);
                break;
        }
    }

    private static InstrumentKind? Kind(Instrument instrument)
    {
        var type = instrument.GetType();
        if (!type.IsGenericType)
        {
            return null;
        }
        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(Counter<>) ? InstrumentKind.Counter
            : definition == typeof(UpDownCounter<>) ? InstrumentKind.UpDownCounter
            : definition == typeof(Histogram<>) ? InstrumentKind.Histogram
            : definition == typeof(Gauge<>) ? InstrumentKind.Gauge
            : definition == typeof(ObservableCounter<>) ? InstrumentKind.ObservableCounter
            : definition == typeof(ObservableUpDownCounter<>) ? InstrumentKind.ObservableUpDownCounter
            : definition == typeof(ObservableGauge<>) ? InstrumentKind.ObservableGauge
            : null;
    }

    private static double[] Buckets(Instrument instrument)
    {
        IReadOnlyList<double>? advised = instrument switch
        {
            Histogram<double> h => h.Advice?.HistogramBucketBoundaries,
            Histogram<float> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToList(),
            Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToList(),
            Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToList(),
            _ => null,
        };
        if (advised is { Count: > 0 })
        {
            return advised.Order().ToArray();
        }
        return instrument.Unit == "s" ? SecondsBuckets : DefaultBuckets;
    }

    private enum InstrumentKind
    {
        Counter,
        UpDownCounter,
        Histogram,
        Gauge,
        ObservableCounter,
        ObservableUpDownCounter,
        ObservableGauge,
    }
}
