using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Faults;

/// <summary>The performance profile of an incident, like Doctor's profiler: each stage's duration and share of the total from receipt to the last fencing stage.</summary>
public sealed record IncidentProfileView(
    [property: JsonPropertyName("incident_id")] string IncidentId,
    [property: JsonPropertyName("host")] string? Host,
    [property: JsonPropertyName("fault_type")] string FaultType,
    [property: JsonPropertyName("verdict")] string Verdict,
    [property: JsonPropertyName("instances")] int Instances,
    [property: JsonPropertyName("total_ms")] double TotalMs,
    [property: JsonPropertyName("stages")] IReadOnlyList<ProfileStageView> Stages,
    [property: JsonPropertyName("resolved_after_ms")] double? ResolvedAfterMs);
