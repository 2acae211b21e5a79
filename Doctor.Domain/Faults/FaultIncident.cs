namespace Doctor.Domain.Faults;

/// <summary>
/// The fault incident decider (DESIGN.md §3, stream <c>incident-{id}</c>): a fault is received, the policy decides,
/// the fault is correlated with the instances it reaches (one <see cref="FaultRecorded"/> event when the verdict fences
/// nothing); then the fencing stages are recorded as they complete, and
/// the host's return resolves it. Recording a stage twice changes nothing (a retried action is harmless).
/// </summary>
public static class FaultIncident
{
    public static class StageNames
    {
        public const string Received = "received";
        public const string PolicyDecided = "policy_decided";
        public const string Correlated = "correlated";
        public const string Appended = "appended";
        public const string NotificationsHandedOver = "notifications_handed_over";
        public const string HostMarkedDown = "host_marked_down";
        public const string InstancesMarkedError = "instances_marked_error";
        public const string PortsMarkedDown = "ports_marked_down";
        public const string Resolved = "resolved";
    }

    public static IReadOnlyList<IFaultEvent> Decide(FaultCommand command, IncidentState state) =>
        command switch
        {
            OpenIncident when state.Status != IncidentStatus.None => throw new IncidentAlreadyOpened(state.IncidentId!),
            OpenIncident o when o.Verdict != FaultVerdict.Fence =>
            [
                new FaultRecorded(o.Fault, new PolicyDecided(o.Verdict, o.Affects, o.Reason, o.CorrelatedFaultIds, o.DecidedAt),
                    new FaultCorrelated(o.Instances, o.CorrelatedAt)),
            ],
            OpenIncident o =>
            [
                o.Fault,
                new PolicyDecided(o.Verdict, o.Affects, o.Reason, o.CorrelatedFaultIds, o.DecidedAt),
                new FaultCorrelated(o.Instances, o.CorrelatedAt),
            ],
            _ when state.Status == IncidentStatus.None => throw new IncidentNotOpen(null, state.Status),
            RecordHandover when state.HandedOver => [],
            RecordHandover h => [new NotificationsHandedOver(h.Count, h.AppendedAt, h.HandedOverAt)],
            RecordRepeat r => [new FaultRepeated(r.FaultId, r.FaultType, r.EventTime, r.ReceivedAt)],
            ResolveIncident when state.Status == IncidentStatus.Resolved => [],   // a second "host up" changes nothing
            ResolveIncident when state.Status != IncidentStatus.Open => throw new IncidentNotOpen(state.IncidentId, state.Status),
            ResolveIncident r => [new IncidentResolved(r.Cause, r.Notified, r.ResolvedAt)],
            // Fencing results arrive after the open append; one for a resolved incident still tells what happened.
            RecordHostMarked when state.HostMarked => [],
            RecordHostMarked m => [new HostMarkedDown(m.Host, m.MarkedAt)],
            RecordInstancesMarked when state.InstancesMarked => [],
            RecordInstancesMarked m => [new InstancesMarkedError(m.Count, m.Failed, m.MarkedAt)],
            RecordPortsMarked when state.PortsMarked => [],
            RecordPortsMarked m => [new PortsMarkedDown(m.Host, m.MarkedAt)],
            RecordActionFailure f => [new FencingActionFailed(f.Action, f.Target, f.Reason, f.FailedAt)],
            _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "unknown fault command"),
        };

    public static IncidentState Evolve(IncidentState state, IFaultEvent evt) =>
        evt switch
        {
            FaultRecorded r => Evolve(Evolve(Evolve(state, r.Fault), r.Decision), r.Correlation),
            FaultReceived r => (state with { Fault = r }).WithStage(StageNames.Received, r.At),
            PolicyDecided p => (state with
            {
                Verdict = p.Verdict,
                Affects = p.Affects,
                CorrelatedFaultIds = p.CorrelatedFaultIds,
                Status = p.Verdict == FaultVerdict.Fence ? IncidentStatus.Open : IncidentStatus.Recorded,
            }).WithStage(StageNames.PolicyDecided, p.At),
            FaultCorrelated c => (state with { Instances = c.Instances }).WithStage(StageNames.Correlated, c.At),
            NotificationsHandedOver h => (state with { HandedOver = true })
                .WithStage(StageNames.Appended, h.AppendedAt).WithStage(StageNames.NotificationsHandedOver, h.At),
            HostMarkedDown m => (state with { HostMarked = true }).WithStage(StageNames.HostMarkedDown, m.At),
            InstancesMarkedError m => (state with { InstancesMarked = true }).WithStage(StageNames.InstancesMarkedError, m.At),
            PortsMarkedDown m => (state with { PortsMarked = true }).WithStage(StageNames.PortsMarkedDown, m.At),
            FencingActionFailed f => state with { FailedActions = [.. state.FailedActions, $"{f.Action} {f.Target}: {f.Reason}"] },
            FaultRepeated => state with { Repeats = state.Repeats + 1 },
            IncidentResolved r => (state with { Status = IncidentStatus.Resolved, ResolvedBy = r.Cause, ResolvedAt = r.At })
                .WithStage(StageNames.Resolved, r.At),
            _ => state,
        };

    public static IncidentState Fold(IEnumerable<IFaultEvent> events) => events.Aggregate(IncidentState.Initial, Evolve);
}
