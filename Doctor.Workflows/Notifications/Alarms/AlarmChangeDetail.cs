using System.Text.Json.Nodes;
using Doctor.Workflows.Notifications.Alarms.Queries;

namespace Doctor.Workflows.Notifications.Alarms;

/// <summary>
/// What a <c>rule change</c> history entry says, as Aodh's PUT writes it: every field of its alarm model whose value
/// changed (the times of the change aside), in the model's order, with the new value — <c>{"name": "renamed"}</c>,
/// <c>{"state": "alarm", "state_reason": "Manually set via API"}</c>.
/// </summary>
public static class AlarmChangeDetail
{
    /// <summary>The changed fields, or null when nothing changed (Aodh then records nothing).</summary>
    public static JsonObject? Between(EventAlarm before, EventAlarm after)
    {
        var old = Fields(before);
        var changed = new JsonObject();
        foreach (var (name, value) in Fields(after))
        {
            if (!JsonNode.DeepEquals(value, old[name]))
                changed[name] = value?.DeepClone();
        }
        return changed.Count == 0 ? null : changed;
    }

    // Aodh's models.Alarm, in its argument order, less timestamp and state_timestamp (never part of a change's detail).
    private static JsonObject Fields(EventAlarm a) => new()
    {
        ["alarm_id"] = a.Id.ToString(),
        ["type"] = "event",
        ["enabled"] = a.Enabled,
        ["name"] = a.Name,
        ["description"] = a.Description,
        ["user_id"] = a.UserId,
        ["project_id"] = a.ProjectId,
        ["state"] = a.Status.State,
        ["state_reason"] = a.Status.Reason,
        ["ok_actions"] = Urls(a.OkActions),
        ["alarm_actions"] = Urls(a.AlarmActions),
        ["insufficient_data_actions"] = Urls(a.InsufficientDataActions),
        ["repeat_actions"] = a.RepeatActions,
        ["rule"] = AlarmQueryFields.Rule(a),
        ["time_constraints"] = new JsonArray(),
        ["severity"] = a.Severity,
    };

    private static JsonArray Urls(IReadOnlyList<Uri> urls) => new([.. urls.Select(u => (JsonNode)u.OriginalString)]);
}
