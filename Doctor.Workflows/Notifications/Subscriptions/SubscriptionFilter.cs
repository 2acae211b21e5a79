using System.Text.Json.Serialization;

namespace Doctor.Workflows.Notifications.Subscriptions;

/// <summary>
/// The northbound SubscribeRequest filter (Doctor requirements §5.4). Every list that is not empty must contain the
/// resource's (or fault's) value; <see cref="MinSeverity"/> keeps faults with a severity at least that high
/// (higher is more severe).
/// </summary>
public sealed record SubscriptionFilter(
    [property: JsonPropertyName("virtual_resource_type")] IReadOnlyList<string> VirtualResourceTypes,
    [property: JsonPropertyName("virtual_resource_id")] IReadOnlyList<string> VirtualResourceIds,
    [property: JsonPropertyName("fault_type")] IReadOnlyList<string> FaultTypes,
    [property: JsonPropertyName("min_severity")] int? MinSeverity)
{
    /// <summary>The type a resource has when the notification does not say (the virtual resources Doctor manages are instances).</summary>
    public const string DefaultResourceType = "instance";

    public static SubscriptionFilter Everything { get; } = new([], [], [], null);

    /// <summary>Whether faults are filtered at all; when they are, a resource left without faults is not notified.</summary>
    [JsonIgnore]
    public bool FiltersFaults => FaultTypes.Count > 0 || MinSeverity is not null;

    public bool AcceptsResource(string id, string type) =>
        (VirtualResourceIds.Count == 0 || VirtualResourceIds.Contains(id, StringComparer.Ordinal))
        && (VirtualResourceTypes.Count == 0 || VirtualResourceTypes.Contains(type, StringComparer.OrdinalIgnoreCase));

    public bool AcceptsFault(string? faultType, int? severity) =>
        (FaultTypes.Count == 0 || (faultType is not null && FaultTypes.Contains(faultType, StringComparer.Ordinal)))
        && (MinSeverity is not { } min || (severity is { } s && s >= min));
}
