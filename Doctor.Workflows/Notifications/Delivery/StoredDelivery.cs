namespace Doctor.Workflows.Notifications.Delivery;

/// <summary>A row of <c>doctor.webhook_deliveries</c>: where one delivery stands.</summary>
public sealed record StoredDelivery(
    Guid Id,
    string MessageId,
    string Subscriber,
    Uri Endpoint,
    long Seq,
    string Status,
    int Attempts,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SettledAt)
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Dead = "dead";
}
