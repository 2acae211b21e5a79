using Doctor.Domain.Maintenance;

namespace Doctor.Workflows.Maintenance;

/// <summary>A session as the session list shows it: what a list needs, and nothing that changes on every step.</summary>
public sealed record SessionSummary(string SessionId, SessionStatus Status, string State, string WorkflowId, DateTimeOffset CreatedAt)
{
    public static SessionSummary Of(SessionState state) => new(state.SessionId, state.Status, state.State, state.WorkflowId, state.CreatedAt);

    /// <summary>Listed by <c>GET /v1/maintenance</c>: every session that exists and is not deleted, running or ended.</summary>
    public bool IsListed => Status is not (SessionStatus.NotStarted or SessionStatus.Deleted);
}
