namespace Doctor.Workflows.Notifications.Delivery;

/// <summary>
/// One POST to make. <paramref name="EventId"/> is the idempotency key sent as <c>X-Doctor-Event-Id</c>, the same on every
/// attempt, so a receiver can drop what it has already seen. <paramref name="Subscriber"/> names who asked for it
/// (e.g. <c>alarm &lt;id&gt;</c>), for logs and dead letters.
/// </summary>
public sealed record WebhookDelivery(
    Uri Endpoint,
    string EventId,
    byte[] Body,
    string Subscriber,
    IReadOnlyDictionary<string, string>? Headers = null);
