using Doctor.Workflows.Notifications.Alarms;
using Microsoft.AspNetCore.Http;

namespace Doctor.AdminApi.Alarms;

/// <summary>
/// Aodh's list filter, <c>?q.field=name&amp;q.op=eq&amp;q.value=x</c> (repeatable, ANDed), reduced to equality on the
/// fields clients filter alarms by.
/// </summary>
public sealed class AlarmListFilter
{
    private static readonly Dictionary<string, Func<EventAlarm, string?>> Fields = new(StringComparer.Ordinal)
    {
        ["alarm_id"] = a => a.Id.ToString(),
        ["name"] = a => a.Name,
        ["project_id"] = a => a.ProjectId,
        ["user_id"] = a => a.UserId,
        ["type"] = _ => "event",
        ["state"] = a => a.Status.State,
        ["severity"] = a => a.Severity,
        ["enabled"] = a => a.Enabled ? "true" : "false",
    };

    private readonly List<(Func<EventAlarm, string?> Read, string Value, bool IgnoreCase)> _conditions;

    private AlarmListFilter(List<(Func<EventAlarm, string?>, string, bool)> conditions) => _conditions = conditions;

    /// <summary>The filter, or null and a problem title naming the bad parameter.</summary>
    public static AlarmListFilter? TryRead(IQueryCollection query, out string? problem)
    {
        problem = null;
        var fields = query["q.field"];
        var ops = query["q.op"];
        var values = query["q.value"];
        if (fields.Count != values.Count)
        {
            problem = $"q.value: {values.Count} value(s) for {fields.Count} q.field(s); give one q.value per q.field";
            return null;
        }
        if (ops.Count != 0 && ops.Count != fields.Count)
        {
            problem = $"q.op: {ops.Count} operator(s) for {fields.Count} q.field(s); give one q.op per q.field, or none";
            return null;
        }
        var conditions = new List<(Func<EventAlarm, string?>, string, bool)>();
        for (var i = 0; i < fields.Count; i++)
        {
            var field = fields[i] ?? "";
            if (!Fields.TryGetValue(field, out var read))
            {
                problem = $"q.field: '{field}' cannot be filtered on: use {string.Join(", ", Fields.Keys)}";
                return null;
            }
            var op = ops.Count == 0 ? "eq" : ops[i];
            if (op is not ("eq" or "=" or "=="))
            {
                problem = $"q.op: '{op}' is not supported for alarm lists: only eq";
                return null;
            }
            conditions.Add((read, values[i] ?? "", field == "enabled"));
        }
        return new AlarmListFilter(conditions);
    }

    public bool Accepts(EventAlarm alarm) =>
        _conditions.All(c => string.Equals(c.Read(alarm), c.Value, c.IgnoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal));
}
