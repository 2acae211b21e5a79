namespace Doctor.Domain.Hosts;

/// <summary>
/// The physical resource decider (DESIGN.md §3, stream <c>host-{name}</c>): the one truth for a host's state that
/// StateQuery, the inspector's maintenance check, recovery and reconciliation read. Incidents, maintenance sessions and
/// the admin's StateChange move it alike; asking for what already holds changes nothing (retries and late duplicates are
/// harmless).
/// </summary>
public static class PhysicalResource
{
    /// <summary>How an incident ended, as <see cref="HostRecovered.ResolvedBy"/> and the incident's <c>resolved_by</c> say.</summary>
    public static class ResolvedBy
    {
        public const string HostUp = "compute.host.up";
        public const string Api = "api";
        public const string Reconciled = "reconciled";
    }

    /// <summary>The holder of a host that the cloud itself shows in maintenance, outside any session of ours.</summary>
    public const string CloudHold = "cloud";

    public static IReadOnlyList<IPhysicalResourceEvent> Decide(PhysicalResourceCommand command, PhysicalResourceState state) =>
        command switch
        {
            // One open incident per host: a second report is a repeat of the first (the caller joins it).
            DeclareHostDown d when state.OpenIncidentId is { } open => throw new HostAlreadyDown(d.Host, open),
            DeclareHostDown d => [new HostDeclaredDown(d.Host, d.IncidentId, d.Affects, d.Reason, d.At)],
            ConfirmForcedDown c when state.OpenIncidentId != c.IncidentId || state.FencedAt is not null => [],
            ConfirmForcedDown c => [new HostForcedDown(c.Host, c.IncidentId, c.At)],
            RecoverHost r when state.OpenIncidentId is not null && state.OpenIncidentId != r.IncidentId => [],
            RecoverHost when state.OpenIncidentId is null && !state.ForcedDown => [],
            RecoverHost r => [new HostRecovered(r.Host, state.OpenIncidentId, r.ResolvedBy, r.Reason, r.At)],
            ObserveHost o when o.ObservedInMaintenance && state.MaintenanceSessionId is null && state.AdminState != HostState.Maintenance =>
                [new HostHeldForMaintenance(o.Host, CloudHold, o.At)],
            ObserveHost o when !o.ObservedInMaintenance && state.MaintenanceSessionId == CloudHold => [new HostReleasedFromMaintenance(o.Host, CloudHold, o.At)],
            ObserveHost => [],
            HoldForMaintenance h when state.MaintenanceSessionId == h.SessionId => [],
            HoldForMaintenance h => [new HostHeldForMaintenance(h.Host, h.SessionId, h.At)],
            ReleaseFromMaintenance r when state.MaintenanceSessionId != r.SessionId => [],
            ReleaseFromMaintenance r => [new HostReleasedFromMaintenance(r.Host, r.SessionId, r.At)],
            ChangeHostState c when c.State == HostState.Down => throw new HostStateNotChangeable(c.Host, c.State),
            ChangeHostState c when Holds(state, c.State) => [],
            ChangeHostState c => [new HostStateChanged(c.Host, c.State, c.Reason, c.At)],
            SetHostMetadata m when m.MetadataJson == state.MetadataJson => [],
            SetHostMetadata m => [new HostMetadataChanged(m.Host, m.MetadataJson, m.At)],
            _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "unknown physical resource command"),
        };

    public static PhysicalResourceState Evolve(PhysicalResourceState state, IPhysicalResourceEvent evt)
    {
        var next = evt switch
        {
            HostDeclaredDown d => state with { OpenIncidentId = d.IncidentId, IncidentAffects = d.Affects, FencedAt = null, LastReason = d.Reason },
            HostForcedDown => state with { ForcedDown = true, FencedAt = evt.At },
            HostRecovered r => state with { OpenIncidentId = null, IncidentAffects = null, ForcedDown = false, FencedAt = null, LastReason = r.Reason },
            HostHeldForMaintenance h => state with { MaintenanceSessionId = h.SessionId, LastReason = $"held by maintenance session {h.SessionId}" },
            HostReleasedFromMaintenance r => state with { MaintenanceSessionId = null, LastReason = $"released by maintenance session {r.SessionId}" },
            // An admin's "normal" is the last word on maintenance too: a session that still holds the host lets go of nothing more.
            HostStateChanged { State: HostState.Normal } c => state with { AdminState = null, MaintenanceSessionId = null, LastReason = c.Reason },
            HostStateChanged c => state with { AdminState = c.State, LastReason = c.Reason },
            HostMetadataChanged m => state with { MetadataJson = m.MetadataJson },
            _ => state,
        };
        return next with { Host = evt.Host, ChangedAt = evt.At };
    }

    // What an admin's StateChange to `wanted` would leave as it is.
    private static bool Holds(PhysicalResourceState state, HostState wanted) =>
        wanted == HostState.Normal ? state.AdminState is null && state.MaintenanceSessionId is null : state.AdminState == wanted;

    public static PhysicalResourceState Fold(IEnumerable<IPhysicalResourceEvent> events) => events.Aggregate(PhysicalResourceState.Initial, Evolve);
}
