namespace Doctor.Workflows.Notifications.Alarms.Queries;

/// <summary>
/// The fields of a history entry that queries name: those of Aodh's alarm change model, read from an
/// <see cref="AlarmHistoryEntry"/> in memory or from <c>doctor.alarm_history</c> in SQL. Ids compare as text, as the
/// client writes them.
/// </summary>
public static class HistoryQueryFields
{
    public static QueryFields<AlarmHistoryEntry> All { get; } = new(
    [
        new("event_id", FieldKind.Text, h => FilterValue.OfText(h.EventId.ToString()), "event_id::text"),
        new("alarm_id", FieldKind.Text, h => FilterValue.OfText(h.AlarmId.ToString()), "alarm_id::text"),
        new("type", FieldKind.Text, h => FilterValue.OfText(h.Type), "type"),
        new("severity", FieldKind.Text, h => h.Severity is { } s ? FilterValue.OfText(s) : null, "severity", IsSeverity: true),
        new("detail", FieldKind.Text, h => FilterValue.OfText(h.Detail), "detail"),
        new("user_id", FieldKind.Text, h => h.UserId is { } u ? FilterValue.OfText(u) : null, "user_id"),
        new("project_id", FieldKind.Text, h => h.ProjectId is { } p ? FilterValue.OfText(p) : null, "project_id"),
        new("on_behalf_of", FieldKind.Text, h => h.OnBehalfOf is { } o ? FilterValue.OfText(o) : null, "on_behalf_of"),
        new("timestamp", FieldKind.Time, h => FilterValue.OfTime(h.Timestamp), "timestamp"),
    ], primaryKey: "event_id");

    /// <summary>Aodh's sort keys for history (<c>models.AlarmChange.SUPPORT_SORT_KEYS</c>), in its order.</summary>
    public static IReadOnlyList<string> SortKeys { get; } =
        ["event_id", "alarm_id", "on_behalf_of", "project_id", "user_id", "type", "timestamp", "severity"];
}
