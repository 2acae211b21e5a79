namespace Doctor.Workflows.Notifications.Subscriptions;

/// <summary>
/// A native Doctor northbound subscription: FaultNotifications about the resources its <see cref="Filter"/> selects,
/// POSTed to every one of <see cref="Endpoints"/>. <see cref="ProjectId"/> is the owner; null is an admin subscription,
/// which hears every project's faults. A project's subscription hears only its own project's.
/// </summary>
public sealed record NorthboundSubscription(
    Guid Id,
    string? ProjectId,
    SubscriptionFilter Filter,
    IReadOnlyList<Uri> Endpoints,
    DateTimeOffset CreatedAt)
{
    /// <summary>The name of its deliveries' subscriber (history, dead letters, secrets).</summary>
    public string Subscriber => SubscriberOf(Id);

    public static string SubscriberOf(Guid id) => $"subscription:{id}";

    public bool Hears(string? audienceProjectId) =>
        ProjectId is null || (audienceProjectId is not null && string.Equals(ProjectId, audienceProjectId, StringComparison.Ordinal));
}
