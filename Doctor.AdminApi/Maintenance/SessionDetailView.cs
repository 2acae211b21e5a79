using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Maintenance;

/// <summary>
/// The session part of the detail: Fenix's session row (<c>session_id</c>, <c>state</c>, <c>prev_state</c>,
/// <c>maintenance_at</c>, <c>meta</c>, <c>workflow</c>) and ours: status and reason, the pinned workflow version, the
/// round, and <c>continue_from</c> — the state a resume picks up at (for a session in its failed state, the state
/// that failed) — with every state it may continue from.
/// </summary>
public sealed record SessionDetailView(
    [property: JsonPropertyName("session_id")] string SessionId,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("prev_state")] string? PreviousState,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("maintenance_at")] string MaintenanceAt,
    [property: JsonPropertyName("meta")] string Meta,
    [property: JsonPropertyName("metadata")] JsonNode? Metadata,
    [property: JsonPropertyName("workflow")] string Workflow,
    [property: JsonPropertyName("workflow_version")] int WorkflowVersion,
    [property: JsonPropertyName("subscription_policy")] string SubscriptionPolicy,
    [property: JsonPropertyName("round")] int Round,
    [property: JsonPropertyName("continue_from")] string? ContinueFrom,
    [property: JsonPropertyName("continuable_states")] IReadOnlyList<string> ContinuableStates,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt);
