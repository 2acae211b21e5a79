using System.Text.Json.Serialization;

namespace Doctor.Workflows.Notifications;

/// <summary>
/// Several outbox records in one stored event (<see cref="TypeName"/>): what the fault path appends for an incident —
/// a <c>compute.instance.update</c> per instance and a <c>doctor.fault</c> per owner — so that a host of 100 instances
/// costs one event row in the one durable append, not 110. Every reader of the outbox sees the notifications
/// inside one by one, in order, exactly as if each had been its own <see cref="NotificationEmitted"/>
/// (<see cref="OutboxNotifications.Read"/>).
/// </summary>
public sealed record NotificationBatchEmitted(
    [property: JsonPropertyName("notifications")] IReadOnlyList<NotificationEmitted> Notifications)
{
    public const string TypeName = "notification.batch_emitted.v1";
}
