using System.Text.Json;
using System.Text.Json.Nodes;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Notifications;
using Doctor.Workflows.Notifications.Alarms;

namespace Doctor.Tests.Notifications;

/// <summary>Alarms, notifications and feed events as the tests need them.</summary>
internal static class AlarmExamples
{
    public static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    public static EventAlarm Alarm(
        string eventType = "maintenance.scheduled",
        string? projectId = null,
        bool repeat = false,
        bool enabled = true,
        IReadOnlyList<AlarmQuery>? query = null,
        params Uri[] actions) => new()
    {
        Id = Guid.NewGuid(),
        Name = "alarm-" + eventType,
        ProjectId = projectId,
        UserId = "user-1",
        EventType = EventTypePattern.Parse(eventType),
        Query = query ?? [],
        AlarmActions = actions.Length == 0 ? [new Uri("http://127.0.0.1:1/alarm")] : actions,
        RepeatActions = repeat,
        Enabled = enabled,
        Severity = AlarmSeverities.Moderate,
        Description = EventAlarm.DefaultDescription(eventType),
        Status = AlarmStatus.Initial(Now),
        CreatedAt = Now,
    };

    public static AlarmQuery Query(string field, string op, string value, string? type = null)
    {
        Assert.True(QueryOperators.TryParse(op, out var parsed), $"operator {op}");
        var query = AlarmQuery.TryCreate(field, parsed, value, type, out var error);
        Assert.True(query is not null, error?.Message);
        return query!;
    }

    public static NotificationEmitted Notification(string eventType = "maintenance.scheduled", string? projectId = "p1", string payload = "{}", string? messageId = null) =>
        new(messageId ?? Guid.NewGuid().ToString(), eventType, projectId, JsonNode.Parse(payload)!.AsObject(), Now);

    /// <summary>The notification as the event store hands it to feed handlers.</summary>
    public static RecordedEvent Recorded(NotificationEmitted notification, long seq = 1) =>
        new(seq, Guid.NewGuid(), "maintenance-s1", seq, NotificationEmitted.TypeName, JsonSerializer.Serialize(notification),
            EventMetadata.Engine("corr-1"), Now);
}
