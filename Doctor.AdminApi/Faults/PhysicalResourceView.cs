using System.Text.Json.Nodes;
using Doctor.Domain.Hosts;
using Doctor.Workflows.Infrastructure;
using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Faults;

/// <summary>
/// A physical resource (compute host) in the StateQuery answer: <c>state</c> and <c>host_status</c> from its stream,
/// <c>forced_down</c>, the compute service and the capacity as the cloud reports them.
/// </summary>
public sealed record PhysicalResourceView(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("zone")] string Zone,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("host_status")] string HostStatus,
    [property: JsonPropertyName("forced_down")] bool ForcedDown,
    [property: JsonPropertyName("compute_enabled")] bool ComputeEnabled,
    [property: JsonPropertyName("vcpus")] int Vcpus,
    [property: JsonPropertyName("vcpus_used")] int VcpusUsed,
    [property: JsonPropertyName("open_incident_id")] string? OpenIncidentId,
    [property: JsonPropertyName("metadata")] JsonObject? Metadata)
{
    /// <summary><paramref name="legacyIncident"/>: an open incident from before host streams, known to the incident book only.</summary>
    public static PhysicalResourceView From(ComputeHost host, PhysicalResourceState resource, string? legacyIncident, string zone)
    {
        var status = host.ForcedDown && resource.Status == Doctor.Domain.Hosts.HostStatus.Up ? Doctor.Domain.Hosts.HostStatus.Down : resource.Status;
        return new(host.Name, "compute", zone, resource.State.Name(), status.Name(), host.ForcedDown, host.ComputeEnabled, host.Vcpus, host.VcpusUsed,
            resource.OpenIncidentId ?? legacyIncident, resource.MetadataJson is null ? null : JsonNode.Parse(resource.MetadataJson) as JsonObject);
    }
}
