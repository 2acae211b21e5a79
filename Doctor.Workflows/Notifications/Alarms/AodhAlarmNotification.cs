using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Doctor.Workflows.Notifications.Alarms;

/// <summary>The body Aodh's REST notifier POSTs to every <c>alarm_actions</c> URL when an alarm fires (CONTRACTS.md).</summary>
public sealed record AodhAlarmNotification(
    [property: JsonPropertyName("alarm_id")] string AlarmId,
    [property: JsonPropertyName("alarm_name")] string AlarmName,
    [property: JsonPropertyName("severity")] string Severity,
    [property: JsonPropertyName("previous")] string Previous,
    [property: JsonPropertyName("current")] string Current,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("reason_data")] AodhReasonData ReasonData)
{
    private static readonly JsonSerializerOptions Wire = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The firing's body; <paramref name="traits"/> are the notification's, computed once for all its alarms.</summary>
    public static AodhAlarmNotification For(AlarmFiring firing, NotificationEmitted notification, IReadOnlyList<EventTrait> traits) =>
        new(
            firing.Alarm.Id.ToString(),
            firing.Alarm.Name,
            firing.Alarm.Severity,
            firing.Previous,
            AlarmStates.Alarm,
            firing.Reason,
            new AodhReasonData("event", new AodhEvent(
                notification.MessageId,
                notification.EventType,
                EventTimes.Ceilometer(notification.Generated),
                traits,
                [])));

    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, Wire);
}
