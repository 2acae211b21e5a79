using System.Text.Json.Serialization;
using Doctor.Workflows.Notifications.Delivery;

namespace Doctor.AdminApi.Notifications;

/// <summary>
/// One webhook delivery as the API shows it (subscription deliveries, dead letters, alarm history details).
/// <c>event_id</c> is the <c>X-Doctor-Event-Id</c> the endpoint receives (the delivery's id).
/// </summary>
public sealed record DeliveryView(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("event_id")] string EventId,
    [property: JsonPropertyName("message_id")] string MessageId,
    [property: JsonPropertyName("subscriber")] string Subscriber,
    [property: JsonPropertyName("endpoint")] string Endpoint,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("last_error")] string? LastError,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("settled_at")] DateTimeOffset? SettledAt)
{
    public static DeliveryView Of(StoredDelivery delivery) => new(
        delivery.Id.ToString(), delivery.Id.ToString(), delivery.MessageId, delivery.Subscriber, delivery.Endpoint.OriginalString,
        delivery.Status, delivery.Attempts, delivery.LastError, delivery.CreatedAt, delivery.SettledAt);
}
