namespace Doctor.Workflows.Faults;

/// <summary>
/// Aggregation of non-critical failures (Doctor: "two non-critical failures of one host make it unavailable"): per
/// resource, the fault ids seen within the policy's window. In memory: a restart forgets partial counts.
/// </summary>
public sealed class FailureWindow
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<(string FaultId, DateTimeOffset At)>> _seen = new(StringComparer.Ordinal);

    /// <summary>Counts the failure; when the threshold is reached returns the earlier fault ids it aggregates (and forgets them), else null.</summary>
    public IReadOnlyList<string>? Count(string resource, string faultId, DateTimeOffset at, int threshold, TimeSpan window)
    {
        lock (_gate)
        {
            if (!_seen.TryGetValue(resource, out var list))
                _seen[resource] = list = [];
            list.RemoveAll(f => at - f.At > window);
            list.Add((faultId, at));
            if (list.Count < threshold)
                return null;
            var correlated = list.Take(list.Count - 1).Select(f => f.FaultId).ToList();
            _seen.Remove(resource);
            return correlated;
        }
    }
}
