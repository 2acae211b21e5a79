using Doctor.Domain.Maintenance;

namespace Doctor.Workflows.Maintenance.Detail;

/// <summary>
/// Folds a session's events into its <see cref="SessionDetail"/>. Pure: the same events give the same detail, so an
/// auditor replaying the stream sees what the admin saw. The session's own state comes from the decider's Evolve;
/// this keeps what Evolve forgets from round to round (earlier instance moves, host actions, replies).
/// </summary>
public static class SessionDetailProjection
{
    public static SessionDetail Fold(IEnumerable<IMaintenanceEvent> events)
    {
        var session = SessionState.Initial;
        string? previous = null;
        var maintainedAt = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var projects = new SortedDictionary<string, ProjectBuilder>(StringComparer.Ordinal);
        var instances = new Dictionary<string, InstanceDetail>(StringComparer.Ordinal);
        var instanceOrder = new List<string>();
        var hostActions = new List<HostActionDetail>();
        foreach (var evt in events)
        {
            switch (evt)
            {
                case StateEntered e:
                    previous = e.From;
                    break;
                case SessionResumed:
                    previous = session.State;
                    break;
                case ProjectNotified n:
                    var notified = Project(projects, n.ProjectId);
                    notified.States.Add(n.State);
                    notified.InstanceIds = n.InstanceIds;
                    notified.Interactive = n.Interactive;
                    break;
                case ReplyReceived r:
                    var replied = Project(projects, r.ProjectId);
                    (replied.LastReply, replied.LastReplyAt) = (r.Reply, r.At);
                    break;
                case ReplyWindowExpired x:
                    foreach (var missing in x.MissingProjects)
                        Project(projects, missing).Missed.Add(session.State);
                    break;
                case InstanceActionRequested a:
                    if (!instances.ContainsKey(a.InstanceId))
                        instanceOrder.Add(a.InstanceId);
                    instances[a.InstanceId] = new InstanceDetail(a.InstanceId, a.ProjectId, a.Action, session.State, a.Round, a.FromHost, null,
                        InstanceActionStatus.Requested, null, a.At, null);
                    break;
                case InstanceActionDone d when instances.TryGetValue(d.InstanceId, out var done):
                    instances[d.InstanceId] = done with { Status = InstanceActionStatus.Done, ToHost = d.ToHost, SettledAt = d.At };
                    break;
                case InstanceActionFailed f when instances.TryGetValue(f.InstanceId, out var failed):
                    instances[f.InstanceId] = failed with { Status = InstanceActionStatus.Failed, FailureReason = f.Reason, SettledAt = f.At };
                    break;
                case HostActionCompleted h:
                    hostActions.Add(new HostActionDetail(h.Host, h.Plugin, h.Type, true, null, h.At));
                    break;
                case HostActionFailed h:
                    hostActions.Add(new HostActionDetail(h.Host, h.Plugin, h.Type, false, h.Reason, h.At));
                    break;
                case HostLeftMaintenance h:
                    maintainedAt[h.Host] = h.At;
                    break;
            }
            session = MaintenanceSession.Evolve(session, evt);
        }
        var hosts = session.Hosts.Select(h => new HostDetail(h, session.MaintainedHosts.Contains(h), maintainedAt.TryGetValue(h, out var at) ? at : null,
            session.HostInMaintenance == h, session.ChosenHost == h, session.DisabledComputes.Contains(h))).ToList();
        return new SessionDetail(session, previous, hosts,
            [.. projects.Values.Select(p => new ProjectDetail(p.ProjectId, [.. p.States.Distinct()], p.InstanceIds, p.Interactive, p.LastReply, p.LastReplyAt, [.. p.Missed.Distinct()]))],
            [.. instanceOrder.Select(id => instances[id])], hostActions);
    }

    private static ProjectBuilder Project(SortedDictionary<string, ProjectBuilder> projects, string id) =>
        projects.TryGetValue(id, out var project) ? project : projects[id] = new ProjectBuilder(id);

    private sealed class ProjectBuilder(string projectId)
    {
        public string ProjectId { get; } = projectId;
        public List<string> States { get; } = [];
        public IReadOnlyList<string> InstanceIds { get; set; } = [];
        public bool Interactive { get; set; } = true;
        public string? LastReply { get; set; }
        public DateTimeOffset? LastReplyAt { get; set; }
        public List<string> Missed { get; } = [];
    }
}
