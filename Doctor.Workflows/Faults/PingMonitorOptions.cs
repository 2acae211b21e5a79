namespace Doctor.Workflows.Faults;

/// <summary>The built-in ping monitor (<c>Doctor:Faults:PingMonitor</c>): off unless hosts are named.</summary>
public sealed class PingMonitorOptions
{
    /// <summary>Host name → address to ping.</summary>
    public Dictionary<string, string> Hosts { get; set; } = new(StringComparer.Ordinal);

    public TimeSpan Interval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Consecutive missed replies that make a host down.</summary>
    public int Misses { get; set; } = 3;

    /// <summary>How long one ping waits for its reply.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMilliseconds(100);
}
