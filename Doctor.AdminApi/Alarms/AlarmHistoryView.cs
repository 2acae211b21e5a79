using System.Text.Json;
using System.Text.Json.Serialization;
using Doctor.AdminApi.Notifications;
using Doctor.Workflows.Notifications.Alarms;
using Doctor.Workflows.Notifications.Delivery;

namespace Doctor.AdminApi.Alarms;

/// <summary>One entry of an alarm's history in Aodh's shape (<c>AlarmChange</c>; <c>detail</c> is JSON text), and its severity.</summary>
public sealed record AlarmHistoryView(
    [property: JsonPropertyName("event_id")] string EventId,
    [property: JsonPropertyName("alarm_id")] string AlarmId,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("detail")] string Detail,
    [property: JsonPropertyName("timestamp")] string Timestamp,
    [property: JsonPropertyName("severity")] string? Severity,
    [property: JsonPropertyName("project_id")] string? ProjectId,
    [property: JsonPropertyName("user_id")] string? UserId,
    [property: JsonPropertyName("on_behalf_of")] string? OnBehalfOf)
{
    /// <summary>Doctor's addition to the history: one entry per webhook the alarm sent.</summary>
    public const string DeliveryType = "delivery";

    public static AlarmHistoryView Of(AlarmHistoryEntry entry) => new(
        entry.EventId.ToString(), entry.AlarmId.ToString(), entry.Type, entry.Detail, EventTimes.Ceilometer(entry.Timestamp),
        entry.Severity, entry.ProjectId, entry.UserId, entry.OnBehalfOf);

    /// <summary>A webhook of <paramref name="alarm"/> as a history entry: its detail says the endpoint, status, attempts and X-Doctor-Event-Id.</summary>
    public static AlarmHistoryEntry Entry(EventAlarm alarm, StoredDelivery delivery) => new(
        delivery.Id, alarm.Id, DeliveryType, JsonSerializer.Serialize(DeliveryView.Of(delivery)), delivery.SettledAt ?? delivery.CreatedAt,
        OnBehalfOf: alarm.ProjectId, Severity: alarm.Severity);
}
