using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Notifications;

/// <summary>
/// The northbound SubscribeResponse: the id, the signing secret of <c>X-Doctor-Signature</c> (returned here only), and
/// the current state of the resources subscribed to.
/// </summary>
public sealed record SubscribeResponse(
    [property: JsonPropertyName("subscription_id")] string SubscriptionId,
    [property: JsonPropertyName("secret")] string Secret,
    [property: JsonPropertyName("virtual_resource_info")] IReadOnlyList<VirtualResourceView> VirtualResourceInfo);
