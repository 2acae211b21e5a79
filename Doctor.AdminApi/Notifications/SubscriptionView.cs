using System.Text.Json.Serialization;
using Doctor.Workflows.Notifications.Subscriptions;

namespace Doctor.AdminApi.Notifications;

/// <summary>A northbound subscription as <c>GET /v1/subscriptions[/{id}]</c> shows it (never its secret).</summary>
public sealed record SubscriptionView(
    [property: JsonPropertyName("subscription_id")] string SubscriptionId,
    [property: JsonPropertyName("project_id")] string? ProjectId,
    [property: JsonPropertyName("filter")] SubscriptionFilter Filter,
    [property: JsonPropertyName("endpoints")] IReadOnlyList<string> Endpoints,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt)
{
    public static SubscriptionView Of(NorthboundSubscription subscription) => new(
        subscription.Id.ToString(), subscription.ProjectId, subscription.Filter, [.. subscription.Endpoints.Select(e => e.OriginalString)], subscription.CreatedAt);
}
