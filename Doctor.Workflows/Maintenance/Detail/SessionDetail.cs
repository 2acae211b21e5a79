using Doctor.Domain.Maintenance;

namespace Doctor.Workflows.Maintenance.Detail;

/// <summary>
/// Everything a session did, as an admin needs it to continue a failed session exactly where it failed: the session
/// as it stands, the state it was in before the current one (for a session in its failed state, the state that
/// failed), each host, project, instance action and host action with its outcome. Folded from the session's events by <see cref="SessionDetailProjection"/>.
/// </summary>
public sealed record SessionDetail(
    SessionState Session,
    string? PreviousState,
    IReadOnlyList<HostDetail> Hosts,
    IReadOnlyList<ProjectDetail> Projects,
    IReadOnlyList<InstanceDetail> Instances,
    IReadOnlyList<HostActionDetail> HostActions);
