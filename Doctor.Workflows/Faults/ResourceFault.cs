using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Doctor.Workflows.Faults;

/// <summary>One fault on one resource, in the shape of the Doctor northbound FaultNotification's <c>faults</c> entries.</summary>
public sealed record ResourceFault(
    [property: JsonPropertyName("resource_id")] string ResourceId,
    [property: JsonPropertyName("fault_id")] string FaultId,
    [property: JsonPropertyName("fault_type")] string FaultType,
    [property: JsonPropertyName("severity")] int Severity,
    [property: JsonPropertyName("event_time")] DateTimeOffset EventTime,
    [property: JsonPropertyName("probable_cause")] string? ProbableCause,
    [property: JsonPropertyName("correlated_fault_ids")] IReadOnlyList<string> CorrelatedFaultIds,
    [property: JsonPropertyName("is_root_cause")] bool IsRootCause,
    [property: JsonPropertyName("fault_details")] JsonObject? FaultDetails);
