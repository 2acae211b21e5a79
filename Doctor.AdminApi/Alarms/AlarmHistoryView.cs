using System.Text.Json;
using System.Text.Json.Serialization;
using Doctor.Workflows.Notifications.Alarms;
using Doctor.AdminApi.Notifications;
using Doctor.Workflows.Notifications.Delivery;

namespace Doctor.AdminApi.Alarms;

/// <summary>One entry of <c>GET /v2/alarms/{id}/history</c>, in Aodh's shape (<c>detail</c> is JSON text).</summary>
public sealed record AlarmHistoryView(
    [property: JsonPropertyName("event_id")] string EventId,
    [property: JsonPropertyName("alarm_id")] string AlarmId,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("detail")] string Detail,
    [property: JsonPropertyName("timestamp")] string Timestamp,
    [property: JsonPropertyName("severity")] string Severity,
    [property: JsonPropertyName("project_id")] string? ProjectId,
    [property: JsonPropertyName("user_id")] string? UserId,
    [property: JsonPropertyName("on_behalf_of")] string? OnBehalfOf)
{
    public const string DeliveryType = "delivery";

    public static AlarmHistoryView Of(EventAlarm alarm, AlarmHistoryEntry entry) => new(
        entry.EventId.ToString(), alarm.Id.ToString(), entry.Type, entry.Detail, EventTimes.Ceilometer(entry.Timestamp),
        alarm.Severity, alarm.ProjectId, alarm.UserId, alarm.ProjectId);

    public static AlarmHistoryView Of(EventAlarm alarm, StoredDelivery delivery) => new(
        delivery.Id.ToString(), alarm.Id.ToString(), DeliveryType, JsonSerializer.Serialize(DeliveryView.Of(delivery)),
        EventTimes.Ceilometer(delivery.SettledAt ?? delivery.CreatedAt), alarm.Severity, alarm.ProjectId, alarm.UserId, alarm.ProjectId);
}
