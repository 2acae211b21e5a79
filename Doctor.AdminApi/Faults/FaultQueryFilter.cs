using Doctor.Workflows.Faults;
using Doctor.Workflows.Maintenance;

namespace Doctor.AdminApi.Faults;

/// <summary>The FaultQuery filters (Doctor req. §5.4): resource type and ids, fault types, minimum severity, event time range.</summary>
internal sealed record FaultQueryFilter(
    IReadOnlySet<string>? ResourceTypes,
    IReadOnlySet<string>? ResourceIds,
    IReadOnlySet<string>? FaultTypes,
    int? MinSeverity,
    DateTimeOffset? Start,
    DateTimeOffset? End)
{
    private static readonly string[] KnownTypes = ["instance", "host"];

    public static FaultQueryFilter? TryRead(IQueryCollection query, out string? problem)
    {
        problem = null;
        var types = List(query, "virtual_resource_type");
        if (types?.FirstOrDefault(t => !KnownTypes.Contains(t)) is { } unknown)
        {
            problem = $"virtual_resource_type: unknown type '{unknown}' (expected {string.Join(", ", KnownTypes)})";
            return null;
        }
        int? min = null;
        if (query.TryGetValue("min_severity", out var ms))
        {
            min = FaultSeverity.Parse(ms.ToString());
            if (min is null)
            {
                problem = $"min_severity: '{ms}' is not a severity (0-4 or {string.Join(", ", FaultSeverity.Numbers.Keys)})";
                return null;
            }
        }
        DateTimeOffset? start = null, end = null;
        if (query.TryGetValue("event_start_time", out var s))
        {
            if (!FenixTime.TryParse(s.ToString(), out var t, out _))
            {
                problem = $"event_start_time: not a time ('{s}')";
                return null;
            }
            start = t;
        }
        if (query.TryGetValue("event_end_time", out var e))
        {
            if (!FenixTime.TryParse(e.ToString(), out var t, out _))
            {
                problem = $"event_end_time: not a time ('{e}')";
                return null;
            }
            end = t;
        }
        if (start > end)
        {
            problem = "event_start_time: after event_end_time";
            return null;
        }
        return new FaultQueryFilter(types, List(query, "virtual_resource_id"), List(query, "fault_type"), min, start, end);
    }

    public bool Accepts(FaultView fault) =>
        (ResourceTypes is null || ResourceTypes.Contains(fault.ResourceType))
        && (ResourceIds is null || ResourceIds.Contains(fault.ResourceId))
        && (FaultTypes is null || FaultTypes.Contains(fault.FaultType))
        && (MinSeverity is null || fault.Severity >= MinSeverity)
        && (Start is null || fault.EventTime >= Start)
        && (End is null || fault.EventTime <= End);

    // Repeated parameters and comma-separated values both work: ?fault_type=a&fault_type=b or ?fault_type=a,b.
    private static HashSet<string>? List(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values)
            ? values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToHashSet(StringComparer.Ordinal)
            : null;
}
