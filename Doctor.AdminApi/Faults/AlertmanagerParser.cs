using System.Text.Json.Nodes;
using Doctor.Workflows.Faults;
using Doctor.Workflows.Maintenance;

namespace Doctor.AdminApi.Faults;

/// <summary>
/// Reads a Prometheus Alertmanager webhook (version 4): each alert becomes an event, <c>alertname</c> → type,
/// <c>hostname</c> or <c>instance</c> (port dropped) → host, <c>severity</c> kept. A resolved
/// <c>compute.host.down</c> becomes <c>compute.host.up</c>; other resolved alerts are recorded as <c>&lt;name&gt;.resolved</c>.
/// </summary>
internal static class AlertmanagerParser
{
    public static IReadOnlyList<FaultReport>? TryRead(JsonNode? body, DateTimeOffset now, out string? problem)
    {
        problem = null;
        if (body is not JsonObject root)
        {
            problem = "body: not an Alertmanager webhook (expected an object with alerts)";
            return null;
        }
        if (root["version"] is JsonValue version && version.TryGetValue<string>(out var v) && v != "4")
        {
            problem = $"version: '{v}' is not supported (expected 4)";
            return null;
        }
        if (root["alerts"] is not JsonArray alerts || alerts.Count == 0)
        {
            problem = root.ContainsKey("alerts") ? "alerts: must be a non-empty list" : "alerts: required";
            return null;
        }
        var reports = new List<FaultReport>(alerts.Count);
        for (var i = 0; i < alerts.Count; i++)
        {
            var path = $"alerts[{i}]";
            if (alerts[i] is not JsonObject alert)
            {
                problem = $"{path}: must be an object";
                return null;
            }
            if (alert["labels"] is not JsonObject labels)
            {
                problem = $"{path}.labels: required";
                return null;
            }
            var name = Text(labels, "alertname");
            if (name is null)
            {
                problem = $"{path}.labels.alertname: required";
                return null;
            }
            var resolved = string.Equals(Text(alert, "status") ?? Text(root, "status"), "resolved", StringComparison.OrdinalIgnoreCase);
            var type = !resolved ? name : name == FaultInspector.HostDown ? FaultInspector.HostUp : name + ".resolved";
            var timeText = resolved ? Text(alert, "endsAt") : Text(alert, "startsAt");
            var time = now;
            if (timeText is not null && !FenixTime.TryParse(timeText, out time, out _))
            {
                problem = $"{path}.{(resolved ? "endsAt" : "startsAt")}: not a time ('{timeText}')";
                return null;
            }
            var host = Text(labels, "hostname") ?? HostOf(Text(labels, "instance"));
            var details = new JsonObject
            {
                ["hostname"] = host,
                ["source"] = "alertmanager",
                ["labels"] = labels.DeepClone(),
                ["annotations"] = alert["annotations"]?.DeepClone(),
                ["fingerprint"] = alert["fingerprint"]?.DeepClone(),
            };
            var cause = alert["annotations"] is JsonObject annotations ? Text(annotations, "summary") ?? Text(annotations, "description") : null;
            reports.Add(new FaultReport(time, type, host, FaultSeverity.Parse(Text(labels, "severity")), cause, details, "alertmanager"));
        }
        return reports;
    }

    private static string? HostOf(string? instance)
    {
        if (instance is null)
            return null;
        var colon = instance.LastIndexOf(':');
        return colon > 0 && !instance.StartsWith('[') ? instance[..colon] : instance;
    }

    private static string? Text(JsonObject o, string name) =>
        o[name] is JsonValue v && v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s) ? s : null;
}
