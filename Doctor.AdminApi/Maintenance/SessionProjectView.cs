using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Maintenance;

/// <summary>
/// A project of the session: Fenix's <c>project_id</c> and <c>state</c> (its last reply, <c>ACK_&lt;STATE&gt;</c> or
/// <c>NACK_&lt;STATE&gt;</c>), and the states it was told of, the instances its last notice named, whether it is asked
/// or moved by policy, and the states whose reply window closed without its answer.
/// </summary>
public sealed record SessionProjectView(
    [property: JsonPropertyName("project_id")] string ProjectId,
    [property: JsonPropertyName("state")] string? State,
    [property: JsonPropertyName("replied_at")] DateTimeOffset? RepliedAt,
    [property: JsonPropertyName("notified_states")] IReadOnlyList<string> NotifiedStates,
    [property: JsonPropertyName("instance_ids")] IReadOnlyList<string> InstanceIds,
    [property: JsonPropertyName("interactive")] bool Interactive,
    [property: JsonPropertyName("missed_states")] IReadOnlyList<string> MissedStates);
