using System.Text.Json.Serialization;
using Doctor.Workflows.Faults;

namespace Doctor.AdminApi.Notifications;

/// <summary>A virtual resource's current state and open faults (SubscribeResponse <c>virtual_resource_info</c>).</summary>
public sealed record VirtualResourceView(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("faults")] IReadOnlyList<ResourceFault> Faults);
