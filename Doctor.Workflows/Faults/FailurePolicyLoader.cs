using Doctor.Domain.Faults;
using System.Text.Json;
using System.Xml;

namespace Doctor.Workflows.Faults;

/// <summary>Reads and validates the failure policy; any mistake stops the start with the file and the path named.</summary>
public static class FailurePolicyLoader
{
    private static readonly string[] Actions = ["fence", "aggregate", "record", "recover"];
    private static readonly string[] Affected = [FaultRule.AffectsHost, FaultRule.AffectsPorts];

    public static FailurePolicy LoadFile(string file)
    {
        if (!File.Exists(file))
            throw new FailurePolicyException(file, "$", "file not found");
        return Load(file, File.ReadAllText(file));
    }

    public static FailurePolicy Load(string file, string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new FailurePolicyException(file, $"$ (line {e.LineNumber + 1})", "not valid JSON: " + e.Message);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new FailurePolicyException(file, "$", "must be an object");

            var notify = false;
            if (root.TryGetProperty("notify_in_maintenance", out var n))
                notify = n.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => throw new FailurePolicyException(file, "$.notify_in_maintenance", "must be true or false"),
                };

            var failures = 2;
            var window = TimeSpan.FromSeconds(60);
            if (root.TryGetProperty("aggregation", out var agg))
            {
                if (agg.ValueKind != JsonValueKind.Object)
                    throw new FailurePolicyException(file, "$.aggregation", "must be an object");
                if (agg.TryGetProperty("failures", out var f))
                {
                    if (f.ValueKind != JsonValueKind.Number || !f.TryGetInt32(out failures) || failures < 1)
                        throw new FailurePolicyException(file, "$.aggregation.failures", "must be a whole number of 1 or more");
                }
                if (agg.TryGetProperty("window", out var w))
                    window = Duration(file, "$.aggregation.window", w);
            }

            var types = new Dictionary<string, FaultRule>(StringComparer.Ordinal);
            if (!root.TryGetProperty("types", out var typesElement) || typesElement.ValueKind != JsonValueKind.Object)
                throw new FailurePolicyException(file, "$.types", "required: an object of event type → rule");
            foreach (var property in typesElement.EnumerateObject())
            {
                if (string.IsNullOrWhiteSpace(property.Name))
                    throw new FailurePolicyException(file, "$.types", "an event type name must not be empty");
                types[property.Name] = Rule(file, $"$.types['{property.Name}']", property.Value);
            }
            var fallback = root.TryGetProperty("default", out var d)
                ? Rule(file, "$.default", d)
                : new FaultRule(FaultAction.Record, FaultSeverity.Numbers["warning"], FaultRule.AffectsHost, new Dictionary<string, string>());
            if (fallback.Action is FaultAction.Recover)
                throw new FailurePolicyException(file, "$.default.action", "the default rule cannot recover");
            return new FailurePolicy(types, fallback, failures, window, notify, file);
        }
    }

    private static FaultRule Rule(string file, string path, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new FailurePolicyException(file, path, "must be an object");
        if (!element.TryGetProperty("action", out var a) || a.ValueKind != JsonValueKind.String)
            throw new FailurePolicyException(file, path + ".action", $"required: one of {string.Join(", ", Actions)}");
        var action = a.GetString() switch
        {
            "fence" => FaultAction.Fence,
            "aggregate" => FaultAction.Aggregate,
            "record" => FaultAction.Record,
            "recover" => FaultAction.Recover,
            var other => throw new FailurePolicyException(file, path + ".action", $"unknown action '{other}' (expected {string.Join(", ", Actions)})"),
        };
        var severity = FaultSeverity.Numbers["warning"];
        if (element.TryGetProperty("severity", out var s))
        {
            severity = (s.ValueKind == JsonValueKind.String ? FaultSeverity.Parse(s.GetString()) : null)
                ?? throw new FailurePolicyException(file, path + ".severity", $"unknown severity (expected {string.Join(", ", FaultSeverity.Numbers.Keys)})");
        }
        var affects = FaultRule.AffectsHost;
        if (element.TryGetProperty("affects", out var af))
        {
            affects = af.ValueKind == JsonValueKind.String && Affected.Contains(af.GetString()) ? af.GetString()!
                : throw new FailurePolicyException(file, path + ".affects", $"must be one of {string.Join(", ", Affected)}");
        }
        var when = new Dictionary<string, string>(StringComparer.Ordinal);
        if (element.TryGetProperty("when_details", out var wd))
        {
            if (wd.ValueKind != JsonValueKind.Object)
                throw new FailurePolicyException(file, path + ".when_details", "must be an object of detail name → value");
            foreach (var p in wd.EnumerateObject())
                when[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()!
                    : throw new FailurePolicyException(file, $"{path}.when_details.{p.Name}", "must be a string");
        }
        return new FaultRule(action, severity, affects, when);
    }

    private static TimeSpan Duration(string file, string path, JsonElement element)
    {
        try
        {
            var span = element.ValueKind == JsonValueKind.String ? XmlConvert.ToTimeSpan(element.GetString()!) : TimeSpan.Zero;
            if (span > TimeSpan.Zero)
                return span;
        }
        catch (FormatException)
        {
        }
        throw new FailurePolicyException(file, path, "must be an ISO 8601 duration greater than zero, e.g. PT60S");
    }
}
