using System.Text.Json.Serialization;

namespace Doctor.Workflows.Constraints;

/// <summary>Fenix/ETSI constraints of one instance (CONTRACTS.md "Constraints"); times in seconds.</summary>
public sealed record InstanceConstraint(
    [property: JsonPropertyName("instance_id")] string InstanceId,
    [property: JsonPropertyName("project_id")] string ProjectId,
    [property: JsonPropertyName("group_id")] string? GroupId,
    [property: JsonPropertyName("instance_name")] string? InstanceName,
    [property: JsonPropertyName("max_interruption_time")] int? MaxInterruptionTime,
    [property: JsonPropertyName("migration_type")] string? MigrationType,
    [property: JsonPropertyName("resource_mitigation")] bool? ResourceMitigation,
    [property: JsonPropertyName("lead_time")] int? LeadTime);
