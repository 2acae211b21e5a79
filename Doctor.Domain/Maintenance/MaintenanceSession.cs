using System.Collections.Immutable;

namespace Doctor.Domain.Maintenance;

/// <summary>
/// The maintenance session decider (DESIGN.md §3, §5). The workflow interpreter chooses what to do next; this guards
/// what may happen at all: replies only in their state and window, instances moved only as their project answered,
/// every host in maintenance once, no session done while a compute it disabled is still disabled.
/// </summary>
public static class MaintenanceSession
{
    public static IReadOnlyList<IMaintenanceEvent> Decide(MaintenanceCommand command, SessionState state) =>
        command switch
        {
            CreateSession c => Create(c, state),
            RecordReply r => Reply(r, state),
            DeleteSession d => state.Status switch
            {
                SessionStatus.NotStarted => throw new SessionRuleViolation(RuleKind.NotFound, "session not found"),
                SessionStatus.Deleted => [],
                _ => [new SessionDeleted(d.Actor, d.At)],
            },
            ResumeSession r => Resume(r, state),
            RescheduleSession r => Reschedule(r, state),
            // Cleanup after the end: a compute the session disabled is enabled whatever state it ended in.
            EnableCompute e => state.DisabledComputes.Contains(e.Host) ? [new ComputeEnabled(e.Host, e.At)] : [],
            FailSession f => state.IsRunning ? [new SessionFailed(f.Reason, state.State, f.At)] : [],
            // Engine commands on a session that has ended change nothing: a late timer or a crashed step replayed.
            _ when !state.IsRunning => [],
            EnterState e => [new StateEntered(e.State, state.Round + 1, state.State, e.Reason, e.At)],
            ChooseHost c => ChooseHostToEmpty(c, state),
            OpenReplyWindow o => Open(o, state),
            ExpireReplyWindow x => Expire(x, state),
            CompleteActivity a when a.Round != state.Round || state.CompletedStages.Contains(a.Stage) => [],
            CompleteActivity a => [new ActivityCompleted(a.Activity, a.Stage, a.Round, a.At)],
            DisableCompute d => state.DisabledComputes.Contains(d.Host) ? [] : [new ComputeDisabled(d.Host, d.At)],
            RequestInstanceAction r => RequestAction(r, state),
            RecordInstanceActionDone d => state.InstanceActions.TryGetValue(d.InstanceId, out var a) && a.Status == InstanceActionStatus.Requested
                ? [new InstanceActionDone(d.InstanceId, a.ProjectId, a.Action, d.ToHost, d.At)]
                : [],
            RecordInstanceActionFailed f => state.InstanceActions.TryGetValue(f.InstanceId, out var a) && a.Status == InstanceActionStatus.Requested
                ? [new InstanceActionFailed(f.InstanceId, a.ProjectId, a.Action, f.Reason, f.At)]
                : [],
            EnterHostMaintenance h => EnterHost(h, state),
            RecordHostAction h => HostAction(h, state),
            LeaveHostMaintenance h => state.HostInMaintenance == h.Host
                ? [new HostLeftMaintenance(h.Host, h.At)]
                : state.MaintainedHosts.Contains(h.Host)
                    ? []
                    : throw new SessionRuleViolation(RuleKind.Conflict, $"host {h.Host} is not in maintenance"),
            CompleteSession c => Complete(c, state),
            _ => throw new SessionRuleViolation(RuleKind.Invalid, $"unknown command {command.GetType().Name}"),
        };

    public static SessionState Evolve(SessionState state, IMaintenanceEvent evt) =>
        (evt switch
        {
            SessionCreated c => state with
            {
                SessionId = c.SessionId,
                Status = SessionStatus.Running,
                WorkflowId = c.WorkflowId,
                WorkflowVersion = c.WorkflowVersion,
                Hosts = c.Hosts,
                MaintenanceAt = c.MaintenanceAt,
                MaintenanceAtForm = c.MaintenanceAtForm,
                MetadataJson = c.MetadataJson,
                Actions = c.Actions,
                Policy = c.Policy,
                InitialState = c.InitialState,
                CreatedAt = c.At,
            },
            MaintenanceRescheduled r => state with { MaintenanceAt = r.MaintenanceAt, MaintenanceAtForm = r.Form },
            StateEntered e => state with
            {
                State = e.State,
                StateReason = e.Reason,
                Round = e.Round,
                ChosenHost = null,
                CompletedStages = [],
                InstanceActions = ImmutableDictionary<string, InstanceActionState>.Empty,
            },
            HostChosen h => state with { ChosenHost = h.Host },
            ReplyWindowOpened o => state with
            {
                Window = new ReplyWindow(o.Round, o.State, o.Projects.ToImmutableDictionary(p => p.ProjectId), o.AllowedActions,
                    o.Deadline, o.ActionsAt, ImmutableDictionary<string, ProjectReply>.Empty, Expired: false),
            },
            ProjectNotified n => state with { KnownProjects = state.KnownProjects.Add(n.ProjectId) },
            ReplyReceived r when state.Window is { } w => state with
            {
                Window = w with
                {
                    Replies = w.Replies.SetItem(r.ProjectId, w.Replies.TryGetValue(r.ProjectId, out var prev) && prev.Reply == r.Reply
                        ? prev with { InstanceActions = prev.InstanceActions.SetItems(r.InstanceActions) }
                        : new ProjectReply(r.Reply, r.InstanceActions.ToImmutableDictionary())),
                },
            },
            ReplyReceived => state,
            ReplyWindowExpired when state.Window is { } w => state with { Window = w with { Expired = true } },
            ReplyWindowExpired => state,
            ActivityCompleted a => state with { CompletedStages = state.CompletedStages.Add(a.Stage) },
            ComputeDisabled d => state with { DisabledComputes = state.DisabledComputes.Add(d.Host) },
            ComputeEnabled e => state with { DisabledComputes = state.DisabledComputes.Remove(e.Host) },
            InstanceActionRequested r => state with
            {
                InstanceActions = state.InstanceActions.SetItem(r.InstanceId,
                    new InstanceActionState(r.InstanceId, r.ProjectId, r.Action, r.FromHost, InstanceActionStatus.Requested, null, null)),
            },
            InstanceActionDone d when state.InstanceActions.TryGetValue(d.InstanceId, out var a) => state with
            {
                InstanceActions = state.InstanceActions.SetItem(d.InstanceId, a with { Status = InstanceActionStatus.Done, ToHost = d.ToHost }),
            },
            InstanceActionFailed f when state.InstanceActions.TryGetValue(f.InstanceId, out var a) => state with
            {
                InstanceActions = state.InstanceActions.SetItem(f.InstanceId, a with { Status = InstanceActionStatus.Failed, FailureReason = f.Reason }),
            },
            InstanceActionDone or InstanceActionFailed => state,
            HostEnteredMaintenance h => state with { HostInMaintenance = h.Host, HostActionsDone = [] },
            HostActionCompleted h => state with { HostActionsDone = state.HostActionsDone.Add(SessionState.HostActionKey(h.Host, h.Plugin, h.Type)) },
            HostActionFailed => state,
            HostLeftMaintenance h => state with { HostInMaintenance = null, MaintainedHosts = state.MaintainedHosts.Add(h.Host), HostMaintainedInRound = state.Round },
            SessionDone => state with { Status = SessionStatus.Done },
            SessionFailed f => state with { Status = SessionStatus.Failed, FailureReason = f.Reason },
            SessionDeleted => state with { Status = SessionStatus.Deleted },
            SessionResumed r => state with
            {
                Status = SessionStatus.Running,
                FailureReason = null,
                State = r.State,
                StateReason = "resumed by an admin",
                Round = r.Round,
                ChosenHost = null,
                CompletedStages = [],
                InstanceActions = ImmutableDictionary<string, InstanceActionState>.Empty,
                HostInMaintenance = null,
            },
            _ => state,
        }) with { UpdatedAt = evt.At };

    public static SessionState Fold(IEnumerable<IMaintenanceEvent> events) => events.Aggregate(SessionState.Initial, Evolve);

    private static IReadOnlyList<IMaintenanceEvent> Create(CreateSession c, SessionState state)
    {
        if (state.Status != SessionStatus.NotStarted)
            throw new SessionRuleViolation(RuleKind.Conflict, $"session {c.SessionId} already exists");
        if (c.Hosts.Count == 0)
            throw new SessionRuleViolation(RuleKind.Invalid, "hosts: a session needs at least one host");
        if (c.Hosts.Distinct(StringComparer.Ordinal).Count() != c.Hosts.Count)
            throw new SessionRuleViolation(RuleKind.Invalid, "hosts: a host is listed twice");
        return
        [
            new SessionCreated(c.SessionId, c.WorkflowId, c.WorkflowVersion, c.Hosts, c.MaintenanceAt, c.MaintenanceAtForm, c.MetadataJson,
                c.Actions, c.Policy, c.InitialState, c.At),
            new StateEntered(c.InitialState, 1, null, "session created", c.At),
        ];
    }

    private static IReadOnlyList<IMaintenanceEvent> ChooseHostToEmpty(ChooseHost c, SessionState state)
    {
        if (!state.Hosts.Contains(c.Host))
            throw new SessionRuleViolation(RuleKind.Invalid, $"host {c.Host} is not in this session");
        if (state.MaintainedHosts.Contains(c.Host))
            throw new SessionRuleViolation(RuleKind.Conflict, $"host {c.Host} is already maintained");
        return state.ChosenHost == c.Host ? [] : [new HostChosen(c.Host, state.Round, c.Reason, c.At)];
    }

    private static IReadOnlyList<IMaintenanceEvent> Open(OpenReplyWindow o, SessionState state)
    {
        if (o.Round != state.Round || state.CurrentWindow is not null)
            return [];
        var events = new List<IMaintenanceEvent> { new ReplyWindowOpened(o.Round, state.State, o.Projects, o.AllowedActions, o.Deadline, o.ActionsAt, o.At) };
        events.AddRange(o.Projects.Select(p => new ProjectNotified(p.ProjectId, state.State, o.Round, p.InstanceIds, p.Interactive, o.At)));
        return events;
    }

    private static IReadOnlyList<IMaintenanceEvent> Reply(RecordReply r, SessionState state)
    {
        if (!state.IsRunning)
            throw new SessionNotRunning(state.SessionId, state.Status, state.FailureReason);
        var (ack, replyState) = ParseReply(r.Reply);
        if (replyState != state.State)
            throw new ReplyOutOfPhase(r.Reply, state.State);
        if (state.CurrentWindow is not { } window)
            throw new ReplyNotExpected(state.State);
        if (!window.Projects.TryGetValue(r.ProjectId, out var audience))
            throw new ProjectNotInSession(r.ProjectId, state.State);
        if (window.Expired || r.At > window.Deadline)
            throw new ReplyWindowClosed(state.State, window.Deadline);

        var actions = r.InstanceActions;
        if (r.InstanceId is { } single && actions.Count == 0)
            throw new InvalidReply("instance_action: required for a per-instance reply");
        foreach (var (instanceId, action) in actions)
        {
            if (!audience.InstanceIds.Contains(instanceId))
                throw new InvalidReply($"instance_actions: {instanceId} is not an instance of project {r.ProjectId} affected by {state.State}");
            if (window.AllowedActions.Count > 0 && !window.AllowedActions.Contains(action))
                throw new InvalidReply($"instance_actions.{instanceId}: {action} is not one of the allowed actions {string.Join(", ", window.AllowedActions)}");
            if (window.AllowedActions.Count == 0)
                throw new InvalidReply($"instance_actions: {state.State} takes no instance actions");
        }

        if (window.Replies.TryGetValue(r.ProjectId, out var previous))
        {
            if (previous.Reply != r.Reply)
                throw new ReplyAlreadyRecorded(r.ProjectId, previous.Reply);
            var conflicting = actions.FirstOrDefault(a => previous.InstanceActions.TryGetValue(a.Key, out var had) && had != a.Value);
            if (conflicting.Key is not null)
                throw new ReplyAlreadyRecorded(r.ProjectId, $"{previous.InstanceActions[conflicting.Key]} for {conflicting.Key}");
            // The same answer again (a retry, or a thousand of them) decides nothing new.
            if (actions.All(a => previous.InstanceActions.ContainsKey(a.Key)))
                return [];
        }
        else if (ack && r.InstanceId is null && window.AllowedActions.Count > 0)
        {
            var missing = audience.InstanceIds.FirstOrDefault(i => !actions.ContainsKey(i));
            if (missing is not null)
                throw new InvalidReply($"instance_actions: no action for instance {missing} (allowed: {string.Join(", ", window.AllowedActions)})");
        }
        return [new ReplyReceived(r.ProjectId, r.Reply, state.Round, actions, r.At)];
    }

    private static (bool Ack, string State) ParseReply(string reply) =>
        reply.StartsWith("ACK_", StringComparison.Ordinal) && reply.Length > 4 ? (true, reply[4..])
        : reply.StartsWith("NACK_", StringComparison.Ordinal) && reply.Length > 5 ? (false, reply[5..])
        : throw new InvalidReply($"state: '{reply}' is not a reply (expected ACK_<STATE> or NACK_<STATE>)");

    private static IReadOnlyList<IMaintenanceEvent> Expire(ExpireReplyWindow x, SessionState state) =>
        state.CurrentWindow is { } w && w.Round == x.Round && !w.Expired && !w.IsComplete && w.FirstNack is null
            ? [new ReplyWindowExpired(x.Round, w.MissingProjects.ToList(), x.At)]
            : [];

    private static IReadOnlyList<IMaintenanceEvent> RequestAction(RequestInstanceAction r, SessionState state)
    {
        if (state.InstanceActions.TryGetValue(r.InstanceId, out var existing) && existing.Status != InstanceActionStatus.Failed)
            return [];
        // Invariant: an instance moves only as its project answered, or under policy `proceed` for a project not asked.
        var window = state.CurrentWindow;
        var audience = window?.Projects.GetValueOrDefault(r.ProjectId);
        var allowed = audience switch
        {
            null => false,
            { Interactive: false } => audience.InstanceIds.Contains(r.InstanceId),
            _ => window!.Replies.TryGetValue(r.ProjectId, out var reply) && reply.IsAck
                 && reply.InstanceActions.TryGetValue(r.InstanceId, out var answered) && answered == r.Action,
        };
        return allowed
            ? [new InstanceActionRequested(r.InstanceId, r.ProjectId, r.Action, r.FromHost, state.Round, r.At)]
            : throw new InstanceActionNotAnswered(r.InstanceId, r.ProjectId, r.Action);
    }

    private static IReadOnlyList<IMaintenanceEvent> EnterHost(EnterHostMaintenance h, SessionState state)
    {
        if (!state.Hosts.Contains(h.Host))
            throw new SessionRuleViolation(RuleKind.Invalid, $"host {h.Host} is not in this session");
        // Invariant: every host gets exactly one IN_MAINTENANCE.
        if (state.HostInMaintenance == h.Host || state.MaintainedHosts.Contains(h.Host))
            return [];
        if (state.HostInMaintenance is { } other)
            throw new SessionRuleViolation(RuleKind.Conflict, $"host {other} is still in maintenance");
        return [new HostEnteredMaintenance(h.Host, h.At)];
    }

    private static IReadOnlyList<IMaintenanceEvent> HostAction(RecordHostAction h, SessionState state)
    {
        if (state.HostInMaintenance != h.Host)
            throw new SessionRuleViolation(RuleKind.Conflict, $"host {h.Host} is not in maintenance");
        if (state.HostActionsDone.Contains(SessionState.HostActionKey(h.Host, h.Plugin, h.Type)))
            return [];
        return h.FailureReason is { } reason
            ? [new HostActionFailed(h.Host, h.Plugin, h.Type, reason, h.At)]
            : [new HostActionCompleted(h.Host, h.Plugin, h.Type, h.At)];
    }

    private static IReadOnlyList<IMaintenanceEvent> Complete(CompleteSession c, SessionState state)
    {
        // Invariant: a session ends with every compute it disabled enabled again.
        if (!state.DisabledComputes.IsEmpty)
            throw new SessionRuleViolation(RuleKind.Conflict, $"computes still disabled: {string.Join(", ", state.DisabledComputes.Order(StringComparer.Ordinal))}");
        if (state.HostInMaintenance is { } host)
            throw new SessionRuleViolation(RuleKind.Conflict, $"host {host} is still in maintenance");
        return [new SessionDone(c.At)];
    }

    /// <summary>
    /// maintenance_at moves only while maintenance has not begun: in the initial state — which the session then enters
    /// again, so projects are told the new time and answer it afresh (the old window's timers are a round behind) —
    /// or on a failed session, for the run a resume starts.
    /// </summary>
    private static IReadOnlyList<IMaintenanceEvent> Reschedule(RescheduleSession r, SessionState state)
    {
        if (state.Status == SessionStatus.NotStarted)
            throw new SessionRuleViolation(RuleKind.NotFound, "session not found");
        if (state.Status is SessionStatus.Done or SessionStatus.Deleted)
            throw new SessionRuleViolation(RuleKind.Conflict, $"maintenance_at: the session is {state.Status.ToString().ToLowerInvariant()}; only a session that has not begun maintenance, or has failed, can be rescheduled");
        if (r.MaintenanceAt == state.MaintenanceAt)
            return [];
        var rescheduled = new MaintenanceRescheduled(r.MaintenanceAt, r.Form, state.MaintenanceAt, r.At);
        if (state.Status == SessionStatus.Failed)
            return [rescheduled];
        if (state.State != state.InitialState)
            throw new SessionRuleViolation(RuleKind.Conflict,
                $"maintenance_at: the session is in {state.State}: maintenance has begun; maintenance_at can move only in {state.InitialState} or once the session has failed");
        return [rescheduled, new StateEntered(state.InitialState, state.Round + 1, state.State, $"maintenance_at moved to {r.MaintenanceAt:yyyy-MM-dd HH:mm:ss}Z", r.At)];
    }

    private static IReadOnlyList<IMaintenanceEvent> Resume(ResumeSession r, SessionState state) =>
        state.Status switch
        {
            SessionStatus.Failed => [new SessionResumed(r.State, state.Round + 1, r.At)],
            SessionStatus.NotStarted => throw new SessionRuleViolation(RuleKind.NotFound, "session not found"),
            _ => throw new SessionRuleViolation(RuleKind.Conflict, $"state: only a failed session can be continued; this one is {state.Status.ToString().ToLowerInvariant()}"),
        };
}
