using System.Text.Json.Nodes;

namespace Doctor.Workflows.Notifications.Alarms.Queries;

/// <summary>
/// The fields of an alarm that queries name: those of Aodh's alarm model (what its complex query and its sort keys
/// accept), read from an <see cref="EventAlarm"/>. Lists and the rule compare as the JSON text Aodh stores for them.
/// </summary>
public static class AlarmQueryFields
{
    public static QueryFields<EventAlarm> All { get; } = new(
    [
        new("alarm_id", FieldKind.Text, a => FilterValue.OfText(a.Id.ToString())),
        new("type", FieldKind.Text, _ => FilterValue.OfText("event")),
        new("enabled", FieldKind.Boolean, a => FilterValue.OfFlag(a.Enabled)),
        new("name", FieldKind.Text, a => FilterValue.OfText(a.Name)),
        new("description", FieldKind.Text, a => FilterValue.OfText(a.Description)),
        new("timestamp", FieldKind.Time, a => FilterValue.OfTime(a.Timestamp)),
        new("user_id", FieldKind.Text, a => a.UserId is { } u ? FilterValue.OfText(u) : null),
        new("project_id", FieldKind.Text, a => a.ProjectId is { } p ? FilterValue.OfText(p) : null),
        new("state", FieldKind.Text, a => FilterValue.OfText(a.Status.State)),
        new("state_timestamp", FieldKind.Time, a => FilterValue.OfTime(a.Status.ChangedAt)),
        new("state_reason", FieldKind.Text, a => a.Status.Reason is { } r ? FilterValue.OfText(r) : null),
        new("ok_actions", FieldKind.Json, a => Urls(a.OkActions)),
        new("alarm_actions", FieldKind.Json, a => Urls(a.AlarmActions)),
        new("insufficient_data_actions", FieldKind.Json, a => Urls(a.InsufficientDataActions)),
        new("repeat_actions", FieldKind.Boolean, a => FilterValue.OfFlag(a.RepeatActions)),
        new("rule", FieldKind.Json, a => FilterValue.OfJson(AodhJson.Dumps(Rule(a)))),
        new("time_constraints", FieldKind.Json, _ => FilterValue.OfJson("[]")),
        new("severity", FieldKind.Text, a => FilterValue.OfText(a.Severity), IsSeverity: true),
        // Event alarms are evaluated as events arrive, never on a period: Aodh leaves it empty for them too.
        new("evaluate_timestamp", FieldKind.Time, _ => null),
    ], primaryKey: "alarm_id");

    /// <summary>Aodh's sort keys for alarm lists (<c>models.Alarm.SUPPORT_SORT_KEYS</c>), in its order (its error lists them so).</summary>
    public static IReadOnlyList<string> SortKeys { get; } =
        ["alarm_id", "enabled", "name", "type", "severity", "timestamp", "user_id", "project_id", "state", "repeat_actions", "state_timestamp"];

    /// <summary>An event alarm's rule as Aodh shows it: <c>{"event_type": ..., "query": [...]}</c>.</summary>
    public static JsonObject Rule(EventAlarm alarm) => new()
    {
        ["event_type"] = alarm.EventType.Text,
        ["query"] = new JsonArray([.. alarm.Query.Select(q => (JsonNode)new JsonObject
        {
            ["field"] = q.Field, ["op"] = QueryOperators.Name(q.Op), ["value"] = q.Value, ["type"] = q.Type,
        })]),
    };

    private static FilterValue Urls(IReadOnlyList<Uri> urls) =>
        FilterValue.OfJson(AodhJson.Dumps(new JsonArray([.. urls.Select(u => (JsonNode)u.OriginalString)])));
}
