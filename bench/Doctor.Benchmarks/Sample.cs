using System.Globalization;

namespace Doctor.Benchmarks;

/// <summary>Repeated measurements of one quantity, summarised as median and spread.</summary>
public sealed class Sample(IEnumerable<double> values)
{
    private readonly double[] _sorted = values.Order().ToArray();

    public int Count => _sorted.Length;
    public double Min => _sorted[0];
    public double Max => _sorted[^1];
    public double Median => Percentile(50);

    /// <summary>Nearest-rank percentile.</summary>
    public double Percentile(double p)
    {
        if (_sorted.Length == 0)
        {
            throw new InvalidOperationException("no values");
        }
        var rank = (int)Math.Ceiling(p / 100.0 * _sorted.Length);
        return _sorted[Math.Clamp(rank - 1, 0, _sorted.Length - 1)];
    }

    /// <summary>"median (min – max)" with the given format.</summary>
    public string Summary(string format) =>
        string.Create(CultureInfo.InvariantCulture, $"{Median.ToString(format, CultureInfo.InvariantCulture)} ({Min.ToString(format, CultureInfo.InvariantCulture)} – {Max.ToString(format, CultureInfo.InvariantCulture)})");
}
