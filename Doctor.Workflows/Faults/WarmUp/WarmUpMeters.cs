using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Doctor.Workflows.Faults.WarmUp;

/// <summary>
/// The meters of the dry incident's inspector: scoped to this factory, not to the host's, so <c>/metrics</c> (which
/// collects the host factory's meters only) never counts what the warm-up does; disposed with the warm-up.
/// </summary>
internal sealed class WarmUpMeters : IMeterFactory
{
    private readonly ConcurrentBag<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
        _meters.Add(meter);
        return meter;
    }

    public void Dispose()
    {
        foreach (var meter in _meters)
            meter.Dispose();
    }
}
