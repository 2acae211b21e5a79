using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Maintenance;

// Fenix v1 shapes (CONTRACTS.md "Maintenance"); our additions are extra fields only.

public sealed record CreateSessionRequest(
    [property: JsonPropertyName("hosts")] IReadOnlyList<string>? Hosts,
    [property: JsonPropertyName("state")] string? State,
    [property: JsonPropertyName("maintenance_at")] string? MaintenanceAt,
    [property: JsonPropertyName("workflow")] string? Workflow,
    [property: JsonPropertyName("metadata")] JsonObject? Metadata,
    [property: JsonPropertyName("actions")] IReadOnlyList<SessionActionRequest>? Actions,
    [property: JsonPropertyName("subscription_policy")] string? SubscriptionPolicy);

public sealed record SessionActionRequest(
    [property: JsonPropertyName("plugin")] string? Plugin,
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("metadata")] JsonObject? Metadata);

public sealed record SessionCreatedResponse([property: JsonPropertyName("session_id")] string SessionId);

/// <summary>
/// <c>GET /v1/maintenance</c> for either Fenix: its API reference shows <c>{"session_id": [...]}</c>, its code answers
/// <c>{"sessions": [...]}</c>; both keys hold the same ids.
/// </summary>
public sealed record SessionListResponse(
    [property: JsonPropertyName("session_id")] IReadOnlyList<string> SessionIds,
    [property: JsonPropertyName("sessions")] IReadOnlyList<string> Sessions);

public sealed record SessionResponse(
    [property: JsonPropertyName("session_id")] string SessionId,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("hosts")] IReadOnlyList<string> Hosts,
    [property: JsonPropertyName("maintained_hosts")] IReadOnlyList<string> MaintainedHosts,
    [property: JsonPropertyName("current_host")] string? CurrentHost,
    [property: JsonPropertyName("percent_done")] int PercentDone,
    [property: JsonPropertyName("workflow")] string Workflow,
    [property: JsonPropertyName("workflow_version")] int WorkflowVersion,
    [property: JsonPropertyName("maintenance_at")] string MaintenanceAt,
    [property: JsonPropertyName("subscription_policy")] string SubscriptionPolicy,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt);

/// <summary>
/// <c>PUT</c> (and <c>POST</c>) <c>/v1/maintenance/{sid}</c>: continue a failed session from <c>state</c>, move
/// <c>maintenance_at</c> (before maintenance has begun, or on a failed session), or both.
/// </summary>
public sealed record SessionUpdateRequest(
    [property: JsonPropertyName("state")] string? State,
    [property: JsonPropertyName("maintenance_at")] string? MaintenanceAt);

public sealed record ProjectInstancesResponse([property: JsonPropertyName("instance_ids")] IReadOnlyList<string> InstanceIds);

public sealed record ProjectReplyRequest(
    [property: JsonPropertyName("state")] string? State,
    [property: JsonPropertyName("instance_actions")] Dictionary<string, string>? InstanceActions,
    [property: JsonPropertyName("session_id")] string? SessionId);

public sealed record InstanceReplyRequest(
    [property: JsonPropertyName("state")] string? State,
    [property: JsonPropertyName("instance_action")] string? InstanceAction);

public sealed record SessionHistoryResponse(
    [property: JsonPropertyName("session_id")] string SessionId,
    [property: JsonPropertyName("events")] IReadOnlyList<SessionHistoryEntry> Events);

public sealed record SessionHistoryEntry(
    [property: JsonPropertyName("version")] long Version,
    [property: JsonPropertyName("seq")] long Seq,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("recorded_at")] DateTimeOffset RecordedAt,
    [property: JsonPropertyName("actor")] string Actor,
    [property: JsonPropertyName("correlation_id")] string CorrelationId,
    [property: JsonPropertyName("data")] JsonNode? Data);
