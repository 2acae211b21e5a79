using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Faults;

/// <summary>An incident in the list and detail views.</summary>
public sealed record IncidentView(
    [property: JsonPropertyName("incident_id")] string IncidentId,
    [property: JsonPropertyName("host")] string? Host,
    [property: JsonPropertyName("fault_type")] string FaultType,
    [property: JsonPropertyName("severity")] int Severity,
    [property: JsonPropertyName("verdict")] string Verdict,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("received_at")] DateTimeOffset ReceivedAt,
    [property: JsonPropertyName("instances")] int Instances,
    [property: JsonPropertyName("host_marked_down")] bool HostMarkedDown,
    [property: JsonPropertyName("instances_marked_error")] bool InstancesMarkedError,
    [property: JsonPropertyName("ports_marked_down")] bool PortsMarkedDown,
    [property: JsonPropertyName("failed_actions")] IReadOnlyList<string> FailedActions,
    [property: JsonPropertyName("repeats")] int Repeats,
    [property: JsonPropertyName("resolved_by")] string? ResolvedBy,
    [property: JsonPropertyName("resolved_at")] DateTimeOffset? ResolvedAt);
