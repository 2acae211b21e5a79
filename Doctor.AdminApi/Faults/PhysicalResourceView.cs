using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Faults;

/// <summary>A physical resource (compute host) in the StateQuery answer.</summary>
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
    [property: JsonPropertyName("metadata")] JsonObject? Metadata);
