using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Maintenance;

/// <summary>
/// An instance the session acted on, as Fenix lists it (<c>instance_id</c>, <c>instance_name</c>, <c>project_id</c>,
/// <c>project_state</c>, <c>host</c>, <c>state</c> — the cloud's status —, <c>action</c>, <c>action_done</c>,
/// <c>details</c> — why it failed), and the action's own course: <c>action_state</c> (requested, done, failed), the
/// session state and round that asked for it, the hosts it left and reached.
/// </summary>
public sealed record SessionInstanceView(
    [property: JsonPropertyName("instance_id")] string InstanceId,
    [property: JsonPropertyName("instance_name")] string? InstanceName,
    [property: JsonPropertyName("project_id")] string ProjectId,
    [property: JsonPropertyName("project_state")] string? ProjectState,
    [property: JsonPropertyName("host")] string? Host,
    [property: JsonPropertyName("state")] string? State,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("action_done")] bool ActionDone,
    [property: JsonPropertyName("action_state")] string ActionState,
    [property: JsonPropertyName("details")] string? Details,
    [property: JsonPropertyName("session_state")] string SessionState,
    [property: JsonPropertyName("round")] int Round,
    [property: JsonPropertyName("from_host")] string FromHost,
    [property: JsonPropertyName("to_host")] string? ToHost,
    [property: JsonPropertyName("requested_at")] DateTimeOffset RequestedAt,
    [property: JsonPropertyName("settled_at")] DateTimeOffset? SettledAt);
