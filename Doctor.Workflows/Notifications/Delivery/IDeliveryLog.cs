namespace Doctor.Workflows.Notifications.Delivery;

/// <summary>Where the dispatcher reports how each durable delivery ended, so that it is not sent again after a restart.</summary>
public interface IDeliveryLog
{
    ValueTask DeliveredAsync(WebhookDelivery delivery, int attempts, CancellationToken ct);

    ValueTask DeadAsync(DeadLetter letter, CancellationToken ct);
}
