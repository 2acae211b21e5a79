namespace Doctor.Workflows.Notifications.Delivery;

/// <summary>
/// The id of a delivery, derived from what it is — (notification message id, subscriber, endpoint) — so that every path
/// that computes it (the feed, a replay after a crash, the fast lane) gets the same one. It is also the
/// <c>X-Doctor-Event-Id</c> a receiver deduplicates on.
/// </summary>
public static class DeliveryIds
{
    public static Guid For(string messageId, string subscriber, Uri endpoint) => DerivedUuid.Of($"{messageId}\n{subscriber}\n{endpoint.AbsoluteUri}");
}
