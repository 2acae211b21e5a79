using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Doctor.Workflows.Notifications.Alarms;

/// <summary>
/// Aodh's event alarm evaluation, as pure functions of an alarm and a notification: which alarms a notification
/// concerns, whether it matches, and whether the alarm fires.
/// </summary>
public static class AlarmEvaluator
{
    private static readonly JsonSerializerOptions ReasonJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// The audience rule (DESIGN.md §7: only the owner of a resource, or an admin, receives its notifications):
    /// a project's alarm hears its own project's notifications only; an admin alarm hears all of them, including the
    /// admin-level ones without a project (<c>maintenance.host</c>).
    /// </summary>
    public static bool Hears(EventAlarm alarm, string? audienceProjectId) =>
        alarm.ProjectId is null || (audienceProjectId is not null && string.Equals(alarm.ProjectId, audienceProjectId, StringComparison.Ordinal));

    /// <summary>Whether the notification meets the alarm's rule, ignoring the alarm's state.</summary>
    public static bool Matches(EventAlarm alarm, NotificationEmitted notification)
    {
        if (!alarm.Enabled || !Hears(alarm, notification.ProjectId) || !alarm.EventType.Matches(notification.EventType))
            return false;
        foreach (var condition in alarm.Query)
        {
            if (!condition.IsMetBy(notification))
                return false;
        }
        return true;
    }

    /// <summary>
    /// Whether the alarm fires for the notification, and with which <c>previous</c> state. Without repeat_actions an alarm
    /// already in <c>alarm</c> stays silent (Aodh), except for the very notification that put it there, seen again after a
    /// crash: that one fires again, so no firing is lost between storing the state and queueing the POSTs.
    /// </summary>
    public static AlarmFiring? Evaluate(EventAlarm alarm, NotificationEmitted notification)
    {
        var replay = alarm.Status.State == AlarmStates.Alarm && string.Equals(alarm.Status.FiredBy, notification.MessageId, StringComparison.Ordinal);
        if (!replay && !alarm.RepeatActions && alarm.Status.State == AlarmStates.Alarm)
            return null;
        if (!Matches(alarm, notification))
            return null;
        var previous = replay ? alarm.Status.Previous ?? AlarmStates.InsufficientData : alarm.Status.State;
        return new AlarmFiring(alarm, previous, EntersAlarm: alarm.Status.State != AlarmStates.Alarm, Reason(alarm, notification));
    }

    /// <summary>Aodh's reason text: the event and the rule's query as sorted-key JSON.</summary>
    public static string Reason(EventAlarm alarm, NotificationEmitted notification) =>
        $"Event <id={notification.MessageId},event_type={notification.EventType}> hits the query <query={QueryJson(alarm.Query)}>.";

    // Python's json.dumps(query, sort_keys=True): keys field, op, type, value; ", " and ": " separators.
    private static string QueryJson(IReadOnlyList<AlarmQuery> query)
    {
        var json = new StringBuilder("[");
        for (var i = 0; i < query.Count; i++)
        {
            var q = query[i];
            if (i > 0) json.Append(", ");
            json.Append("{\"field\": ").Append(Quote(q.Field))
                .Append(", \"op\": ").Append(Quote(QueryOperators.Name(q.Op)))
                .Append(", \"type\": ").Append(Quote(q.Type))
                .Append(", \"value\": ").Append(Quote(q.Value)).Append('}');
        }
        return json.Append(']').ToString();
    }

    private static string Quote(string text) => JsonSerializer.Serialize(text, ReasonJson);
}
