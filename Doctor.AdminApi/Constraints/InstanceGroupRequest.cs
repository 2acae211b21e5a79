using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Constraints;

/// <summary>Body of <c>PUT /v1/instance_group/{group_id}</c> (Fenix).</summary>
public sealed record InstanceGroupRequest(
    [property: JsonPropertyName("group_id")] string? GroupId,
    [property: JsonPropertyName("project_id")] string? ProjectId,
    [property: JsonPropertyName("group_name")] string? GroupName,
    [property: JsonPropertyName("anti_affinity_group")] bool? AntiAffinityGroup,
    [property: JsonPropertyName("max_instances_per_host")] int? MaxInstancesPerHost,
    [property: JsonPropertyName("max_impacted_members")] int? MaxImpactedMembers,
    [property: JsonPropertyName("recovery_time")] int? RecoveryTime,
    [property: JsonPropertyName("resource_mitigation")] bool? ResourceMitigation);
