using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Faults;

/// <summary>One fault on one resource, as the FaultQuery answers it (the northbound fault fields plus where it came from).</summary>
public sealed record FaultView(
    [property: JsonPropertyName("virtual_resource_type")] string ResourceType,
    [property: JsonPropertyName("virtual_resource_id")] string ResourceId,
    [property: JsonPropertyName("project_id")] string? ProjectId,
    [property: JsonPropertyName("fault_id")] string FaultId,
    [property: JsonPropertyName("fault_type")] string FaultType,
    [property: JsonPropertyName("severity")] int Severity,
    [property: JsonPropertyName("event_time")] DateTimeOffset EventTime,
    [property: JsonPropertyName("probable_cause")] string? ProbableCause,
    [property: JsonPropertyName("correlated_fault_ids")] IReadOnlyList<string> CorrelatedFaultIds,
    [property: JsonPropertyName("is_root_cause")] bool IsRootCause,
    [property: JsonPropertyName("fault_details")] JsonNode? FaultDetails,
    [property: JsonPropertyName("incident_id")] string IncidentId,
    [property: JsonPropertyName("verdict")] string Verdict,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("host")] string? Host);
