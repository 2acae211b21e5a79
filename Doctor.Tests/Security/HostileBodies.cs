using System.Text;

namespace Doctor.Tests.Security;

/// <summary>
/// Request bodies a careless or hostile client sends: not JSON, the wrong JSON, too much of it, odd text, numbers and
/// times. Each is sent to every JSON endpoint; <c>{field}</c>-style placeholders are not used, so the corpus holds for
/// endpoints added later.
/// </summary>
public static class HostileBodies
{
    private static readonly string[] TimeStrings =
    [
        "0000-00-00 00:00:00", "2026-02-30 10:00:00", "9999-12-31 23:59:59", "+275760-09-13T00:00:00Z", "1970-01-01T00:00:00Z",
        "2026-11-22T10:00:00+25:00", "2026-11-22 10:00:00.123456789123", "  ", "P1D", "-1", "2026-W47-6", "now",
    ];

    private static readonly string[] OddText =
    [
        "\\ud800", "\\udfff\\ud800", "\\u0000", "\\u202eevil", "𝔡𝔬𝔠𝔱𝔬𝔯", "🩺💥", "a\\nb\\r\\nc", "' OR 1=1 --", "../../etc/passwd", "%00", "\\\\",
    ];

    private static readonly string[] OddNumbers =
    [
        "1e400", "-1e400", "99999999999999999999999999", "-99999999999999999999", "0.000000000000000000000000001", "-0", "1.5", "-1", "2147483648", "9223372036854775808",
    ];

    /// <summary>The fields the service's requests have, so wrong values land where they are read.</summary>
    public static readonly string[] Fields =
    [
        "state", "maintenance_at", "hosts", "workflow", "metadata", "actions", "subscription_policy", "instance_actions", "instance_action",
        "name", "type", "event_rule", "alarm_actions", "ok_actions", "severity", "enabled", "repeat_actions", "project_id", "role",
        "instance_id", "group_id", "max_interruption_time", "lead_time", "migration_type", "max_instances_per_host", "max_impacted_members",
        "recovery_time", "anti_affinity_group", "vcpus", "id", "host", "instances", "action", "target", "floating_ip", "endpoints", "filter",
        "event", "events", "time", "details", "binary", "forced_down",
    ];

    public static IEnumerable<(string Name, string Body)> All()
    {
        yield return ("empty", "");
        yield return ("whitespace", "   \n\t ");
        yield return ("truncated", "{\"state\": ");
        yield return ("trailing comma", "{\"state\": \"x\",}");
        yield return ("single quotes", "{'state': 'x'}");
        yield return ("comment", "{/* hi */ \"state\": \"x\"}");
        yield return ("two documents", "{} {}");
        yield return ("bare word", "MAINTENANCE");
        yield return ("xml", "<state>MAINTENANCE</state>");
        yield return ("invalid utf-8 escape", "{\"state\": \"\\x\"}");
        yield return ("null", "null");
        yield return ("true", "true");
        yield return ("number", "42");
        yield return ("string", "\"MAINTENANCE\"");
        yield return ("array", "[]");
        yield return ("array of objects", "[{}, {}]");
        yield return ("empty object", "{}");
        yield return ("extra fields only", "{\"surprise\": 1, \"__proto__\": {\"admin\": true}}");
        yield return ("duplicate keys", "{\"state\": \"ACK_MAINTENANCE\", \"state\": \"NACK_MAINTENANCE\"}");
        // Found by the FsCheck property: a free-form object holding a key twice was a 500.
        yield return ("duplicate keys in metadata", "{\"metadata\": {\"a\": 1, \"a\": 2}, \"maintenance_at\": \"2030-01-01 00:00:00\"}");
        yield return ("deep nesting", new string('[', 5000) + new string(']', 5000));
        yield return ("deep object nesting", string.Concat(Enumerable.Repeat("{\"a\":", 2000)) + "1" + new string('}', 2000));
        yield return ("huge array", "{\"hosts\": [" + string.Join(",", Enumerable.Repeat("\"compute-0\"", 60_000)) + "]}");
        yield return ("huge string", "{\"name\": \"" + new string('x', 800_000) + "\"}");
        yield return ("past the body limit", "{\"name\": \"" + new string('x', 1_100_000) + "\"}");
        foreach (var field in Fields)
        {
            yield return ($"{field}: null", $"{{\"{field}\": null}}");
            yield return ($"{field}: object", $"{{\"{field}\": {{\"nested\": [1, {{}}]}}}}");
            yield return ($"{field}: array", $"{{\"{field}\": [null, 1, \"x\", [], {{}}]}}");
            yield return ($"{field}: bool", $"{{\"{field}\": true}}");
            yield return ($"{field}: empty", $"{{\"{field}\": \"\"}}");
        }
        foreach (var time in TimeStrings)
            yield return ($"time '{time}'", $"{{\"maintenance_at\": \"{time}\", \"state\": \"MAINTENANCE\", \"time\": \"{time}\"}}");
        foreach (var text in OddText)
            yield return ($"text '{text}'", $"{{\"name\": \"{text}\", \"state\": \"{text}\", \"project_id\": \"{text}\", \"hosts\": [\"{text}\"], \"type\": \"event\", \"event_rule\": {{\"event_type\": \"{text}\"}}, \"alarm_actions\": [\"http://{text}/\"]}}");
        foreach (var number in OddNumbers)
            yield return ($"number {number}", $"{{\"vcpus\": {number}, \"max_interruption_time\": {number}, \"lead_time\": {number}, \"max_instances_per_host\": {number}, \"max_impacted_members\": {number}, \"recovery_time\": {number}, \"project_id\": \"p\", \"name\": \"n\"}}");
    }

    public static StringContent Content(string body) => new(body, Encoding.UTF8, "application/json");
}
