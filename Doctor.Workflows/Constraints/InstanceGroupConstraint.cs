using System.Text.Json.Serialization;

namespace Doctor.Workflows.Constraints;

/// <summary>Fenix/ETSI constraints of an instance group (CONTRACTS.md "Constraints"); times in seconds.</summary>
public sealed record InstanceGroupConstraint(
    [property: JsonPropertyName("group_id")] string GroupId,
    [property: JsonPropertyName("project_id")] string ProjectId,
    [property: JsonPropertyName("group_name")] string? GroupName,
    [property: JsonPropertyName("anti_affinity_group")] bool AntiAffinityGroup,
    [property: JsonPropertyName("max_instances_per_host")] int? MaxInstancesPerHost,
    [property: JsonPropertyName("max_impacted_members")] int? MaxImpactedMembers,
    [property: JsonPropertyName("recovery_time")] int? RecoveryTime,
    [property: JsonPropertyName("resource_mitigation")] bool? ResourceMitigation);
