using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Maintenance;

/// <summary>
/// A host of the session as Fenix lists it (<c>hostname</c>, <c>type</c>, <c>maintained</c>, <c>disabled</c>,
/// <c>details</c>) with where it stands in the session (<c>session_state</c>: <c>maintained</c>,
/// <c>in_maintenance</c>, <c>emptying</c> or <c>waiting</c>) and its physical <c>state</c> (normal, maintenance, down, error).
/// </summary>
public sealed record SessionHostView(
    [property: JsonPropertyName("hostname")] string Hostname,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("maintained")] bool Maintained,
    [property: JsonPropertyName("maintained_at")] DateTimeOffset? MaintainedAt,
    [property: JsonPropertyName("disabled")] bool Disabled,
    [property: JsonPropertyName("session_state")] string SessionState,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("details")] string? Details);
