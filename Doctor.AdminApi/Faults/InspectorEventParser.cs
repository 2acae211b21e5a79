using System.Text.Json.Nodes;
using Doctor.Workflows.Faults;
using Doctor.Workflows.Maintenance;

namespace Doctor.AdminApi.Faults;

/// <summary>
/// Reads the Doctor southbound body: a list of events (what the Doctor sample monitor PUTs), one event,
/// <c>{"event": {...}}</c> or <c>{"events": [...]}</c> (list entries may themselves be wrapped in <c>{"event": ...}</c>).
/// <c>time</c> and <c>type</c> are required; a problem names the field (<c>events[2].time: required</c>).
/// </summary>
internal static class InspectorEventParser
{
    public const int MaxEvents = 10_000;

    public static IReadOnlyList<FaultReport>? TryRead(JsonNode? body, out string? problem)
    {
        problem = null;
        switch (body)
        {
            case JsonArray list:
                return ReadList(list, "events", out problem);
            case JsonObject o when o["events"] is JsonArray events:
                return ReadList(events, "events", out problem);
            case JsonObject o when o.ContainsKey("events"):
                problem = "events: must be a list of events";
                return null;
            case JsonObject o when o["event"] is JsonObject one:
                return ReadOne(one, "event", out problem) is { } e ? [e] : null;
            case JsonObject o when o.ContainsKey("event"):
                problem = "event: must be an object";
                return null;
            case JsonObject o when o.ContainsKey("type") || o.ContainsKey("time"):
                return ReadOne(o, "event", out problem) is { } single ? [single] : null;
            default:
                problem = "body: not an event (expected a list of events, an event, {\"event\": {...}} or {\"events\": [...]})";
                return null;
        }
    }

    private static List<FaultReport>? ReadList(JsonArray list, string path, out string? problem)
    {
        problem = null;
        if (list.Count == 0)
        {
            problem = $"{path}: at least one event is required";
            return null;
        }
        if (list.Count > MaxEvents)
        {
            problem = $"{path}: at most {MaxEvents} events per request";
            return null;
        }
        var reports = new List<FaultReport>(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            var item = list[i] is JsonObject { Count: 1 } wrapped && wrapped["event"] is JsonObject inner ? inner : list[i];
            if (item is not JsonObject obj)
            {
                problem = $"{path}[{i}]: must be an event object";
                return null;
            }
            if (ReadOne(obj, $"{path}[{i}]", out problem) is not { } report)
                return null;
            reports.Add(report);
        }
        return reports;
    }

    private static FaultReport? ReadOne(JsonObject e, string path, out string? problem)
    {
        problem = null;
        if (e["time"] is not JsonValue timeValue || !timeValue.TryGetValue<string>(out var timeText))
        {
            problem = e.ContainsKey("time") ? $"{path}.time: must be a time string" : $"{path}.time: required";
            return null;
        }
        if (!FenixTime.TryParse(timeText, out var time, out _))
        {
            problem = $"{path}.time: not a time ('{timeText}')";
            return null;
        }
        if (e["type"] is not JsonValue typeValue || !typeValue.TryGetValue<string>(out var type) || string.IsNullOrWhiteSpace(type))
        {
            problem = e.ContainsKey("type") ? $"{path}.type: must be a non-empty string" : $"{path}.type: required";
            return null;
        }
        JsonObject details;
        switch (e["details"])
        {
            case null:
                details = [];
                break;
            case JsonObject d:
                details = (JsonObject)d.DeepClone();
                break;
            default:
                problem = $"{path}.details: must be an object";
                return null;
        }
        var hostname = Text(details, "hostname") ?? Text(details, "hostName") ?? Text(details, "host");
        return new FaultReport(time, type.Trim(), hostname, FaultSeverity.Parse(Text(details, "severity")), Text(details, "cause"), details, "inspector");
    }

    private static string? Text(JsonObject o, string name) =>
        o[name] is JsonValue v && v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s) ? s : null;
}
