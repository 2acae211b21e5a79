namespace Doctor.Workflows.Notifications.Delivery;

/// <summary>
/// One POST to make. <paramref name="EventId"/> is the idempotency key sent as <c>X-Doctor-Event-Id</c>, the same on every
/// attempt, so a receiver can drop what it has already seen. <paramref name="Subscriber"/> names who asked for it
/// (e.g. <c>alarm:&lt;id&gt;</c>), for logs, history and dead letters.
/// </summary>
public sealed record WebhookDelivery(
    Uri Endpoint,
    string EventId,
    byte[] Body,
    string Subscriber,
    IReadOnlyDictionary<string, string>? Headers = null)
{
    /// <summary>The durable row (<c>doctor.webhook_deliveries</c>) this delivery settles; null for a transient one.</summary>
    public Guid? Id { get; init; }

    /// <summary>The notification's message id.</summary>
    public string? MessageId { get; init; }

    /// <summary>The notification's position in the feed: the order deliveries to one endpoint are made in.</summary>
    public long Seq { get; init; }

    /// <summary>
    /// Completes when the durable row exists. The fast lane sends before its row is written; the outcome is stored only
    /// after this completes, so it always lands on the row.
    /// </summary>
    public Task Recorded { get; init; } = Task.CompletedTask;
}
