using System.Globalization;

namespace Doctor.Benchmarks;

/// <summary>The machine a figure was taken on, and how busy it was: other work shares these cores.</summary>
public static class Machine
{
    /// <summary>"1, 5 and 15 minute load averages" from /proc/loadavg.</summary>
    public static string LoadAverages()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"{parts[0]} / {parts[1]} / {parts[2]}";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    public static string Describe()
    {
        var model = "unknown CPU";
        try
        {
            model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? model;
        }
        catch (IOException)
        {
        }
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (double)(1L << 30);
        return string.Create(CultureInfo.InvariantCulture,
            $"{model}, {Environment.ProcessorCount} cores, {memory:F1} GiB, {Environment.OSVersion}, .NET {Environment.Version}");
    }

    /// <summary>Prints the load averages with a label, for the record before and after a measurement.</summary>
    public static void PrintLoad(string when) => Console.WriteLine($"load averages (1/5/15 min) {when}: {LoadAverages()}");
}
