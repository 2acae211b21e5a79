using System.Text.Json.Nodes;

namespace Doctor.Workflows.Faults;

/// <summary>
/// One raw event from a monitor (Doctor southbound format): <paramref name="Type"/> such as <c>compute.host.down</c>,
/// when the monitor saw it, the host it names (null when it names none), and its details as sent.
/// <paramref name="Source"/> says which door it came through (<c>inspector</c>, <c>alertmanager</c>, <c>ping</c>, <c>api</c>).
/// </summary>
public sealed record FaultReport(DateTimeOffset Time, string Type, string? Hostname, int? Severity, string? Cause, JsonObject Details, string Source)
{
    /// <summary>The details as strings, for the policy's <c>when_details</c>.</summary>
    public IReadOnlyDictionary<string, string?> DetailStrings()
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in Details)
            result[key] = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString();
        return result;
    }
}
