using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Constraints;

/// <summary>Body of <c>PUT /v1/instance/{instance_id}</c> (Fenix).</summary>
public sealed record InstanceConstraintRequest(
    [property: JsonPropertyName("instance_id")] string? InstanceId,
    [property: JsonPropertyName("project_id")] string? ProjectId,
    [property: JsonPropertyName("group_id")] string? GroupId,
    [property: JsonPropertyName("instance_name")] string? InstanceName,
    [property: JsonPropertyName("max_interruption_time")] int? MaxInterruptionTime,
    [property: JsonPropertyName("migration_type")] string? MigrationType,
    [property: JsonPropertyName("resource_mitigation")] bool? ResourceMitigation,
    [property: JsonPropertyName("lead_time")] int? LeadTime);
