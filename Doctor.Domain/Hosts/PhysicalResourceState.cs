using Doctor.Domain.Faults;

namespace Doctor.Domain.Hosts;

/// <summary>
/// A host as folded from its stream <c>host-{name}</c>: the facts that make its state — the incident fencing it, the
/// session holding it, an admin's own word — rather than the state itself, so that an incident ending while a session
/// holds the host leaves it in maintenance, not normal.
/// </summary>
public sealed record PhysicalResourceState(
    string? Host,
    string? OpenIncidentId,
    string? IncidentAffects,
    bool ForcedDown,
    DateTimeOffset? FencedAt,
    string? MaintenanceSessionId,
    HostState? AdminState,
    string? MetadataJson,
    string? LastReason,
    DateTimeOffset? ChangedAt)
{
    public static PhysicalResourceState Initial { get; } = new(null, null, null, false, null, null, null, null, null, null);

    /// <summary>Down while an incident fences the host; maintenance while held; error while its data plane is fenced or an admin says so.</summary>
    public HostState State =>
        OpenIncidentId is not null && IncidentAffects == FaultTargets.Host ? HostState.Down
        : MaintenanceSessionId is not null || AdminState == HostState.Maintenance ? HostState.Maintenance
        : OpenIncidentId is not null || AdminState == HostState.Error ? HostState.Error
        : HostState.Normal;

    public HostStatus Status =>
        ForcedDown || State == HostState.Down ? HostStatus.Down
        : State == HostState.Maintenance ? HostStatus.Maintenance
        : HostStatus.Up;

    /// <summary>
    /// True when the cloud's own view, taken at <paramref name="observedAt"/>, says the host is back although an incident
    /// still fences it: up and not forced down, seen after the force-down was confirmed (a listing taken before it would
    /// show the host as it was before fencing, which says nothing of its return).
    /// </summary>
    public bool IsStaleGiven(bool observedUp, bool observedForcedDown, DateTimeOffset observedAt) =>
        OpenIncidentId is not null && IncidentAffects == FaultTargets.Host && FencedAt is { } fenced
        && observedUp && !observedForcedDown && observedAt > fenced;
}
