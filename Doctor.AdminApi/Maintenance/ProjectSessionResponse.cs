using System.Text.Json.Serialization;
using Doctor.Domain.Maintenance;
using Doctor.Workflows.Maintenance;

namespace Doctor.AdminApi.Maintenance;

/// <summary>
/// <c>GET /v1/maintenance/{sid}</c> for a project token: where the session is and when, but nothing about hosts or
/// other projects (no hosts, no reason — a failure reason can name another project's NACK).
/// </summary>
public sealed record ProjectSessionResponse(
    [property: JsonPropertyName("session_id")] string SessionId,
    [property: JsonPropertyName("project_id")] string ProjectId,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("percent_done")] int PercentDone,
    [property: JsonPropertyName("maintenance_at")] string MaintenanceAt,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt)
{
    public static ProjectSessionResponse Of(SessionState s, string projectId) => new(
        s.SessionId, projectId, s.State, s.Status.ToString().ToLowerInvariant(),
        s.Hosts.Count == 0 ? 0 : s.MaintainedHosts.Count * 100 / s.Hosts.Count,
        FenixTime.InForm(s.MaintenanceAt, s.MaintenanceAtForm), s.CreatedAt, s.UpdatedAt);
}
