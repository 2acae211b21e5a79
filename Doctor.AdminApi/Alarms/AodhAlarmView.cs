using System.Text.Json.Serialization;
using Doctor.Workflows.Notifications.Alarms;

namespace Doctor.AdminApi.Alarms;

/// <summary>An alarm as Aodh's <c>/v2/alarms</c> answers it. Times in Aodh's form: ISO 8601, UTC, no offset; <c>timestamp</c> is the last change of the definition.</summary>
public sealed record AodhAlarmView(
    [property: JsonPropertyName("alarm_id")] string AlarmId,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("event_rule")] AodhEventRuleView EventRule,
    [property: JsonPropertyName("alarm_actions")] IReadOnlyList<string> AlarmActions,
    [property: JsonPropertyName("ok_actions")] IReadOnlyList<string> OkActions,
    [property: JsonPropertyName("insufficient_data_actions")] IReadOnlyList<string> InsufficientDataActions,
    [property: JsonPropertyName("repeat_actions")] bool RepeatActions,
    [property: JsonPropertyName("severity")] string Severity,
    [property: JsonPropertyName("enabled")] bool Enabled,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("state_reason")] string? StateReason,
    [property: JsonPropertyName("state_timestamp")] string StateTimestamp,
    [property: JsonPropertyName("timestamp")] string Timestamp,
    [property: JsonPropertyName("time_constraints")] IReadOnlyList<object> TimeConstraints,
    [property: JsonPropertyName("project_id")] string? ProjectId,
    [property: JsonPropertyName("user_id")] string? UserId,
    [property: JsonPropertyName("evaluate_timestamp")] string? EvaluateTimestamp)
{
    /// <summary>The signing secret of <c>X-Doctor-Signature</c>: only in the creation response, never shown again.</summary>
    [JsonPropertyName("secret")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Secret { get; init; }

    public static AodhAlarmView Of(EventAlarm alarm) => new(
        alarm.Id.ToString(),
        alarm.Name,
        "event",
        new AodhEventRuleView(alarm.EventType.Text, [.. alarm.Query.Select(q => new AodhQueryView(q.Field, QueryOperators.Name(q.Op), q.Value, q.Type))]),
        [.. alarm.AlarmActions.Select(u => u.OriginalString)],
        [.. alarm.OkActions.Select(u => u.OriginalString)],
        [.. alarm.InsufficientDataActions.Select(u => u.OriginalString)],
        alarm.RepeatActions,
        alarm.Severity,
        alarm.Enabled,
        alarm.Description,
        alarm.Status.State,
        alarm.Status.Reason,
        EventTimes.Ceilometer(alarm.Status.ChangedAt),
        EventTimes.Ceilometer(alarm.Timestamp),
        [],
        alarm.ProjectId,
        alarm.UserId,
        // Event alarms are evaluated as events arrive, never on a period: Aodh leaves it empty for them too.
        null);
}
