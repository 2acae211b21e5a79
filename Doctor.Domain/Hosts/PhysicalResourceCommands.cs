namespace Doctor.Domain.Hosts;

// What the inspector, the maintenance engine and the admin ask of a host. Times are inputs: the decider has no clock.

public abstract record PhysicalResourceCommand(string Host, DateTimeOffset At);

/// <summary>An incident opens on the host (the fault path; an admin's StateChange down or force-down too).</summary>
public sealed record DeclareHostDown(string Host, string IncidentId, string Affects, string Reason, DateTimeOffset At) : PhysicalResourceCommand(Host, At);

/// <summary>The force-down of incident <paramref name="IncidentId"/> succeeded.</summary>
public sealed record ConfirmForcedDown(string Host, string IncidentId, DateTimeOffset At) : PhysicalResourceCommand(Host, At);

/// <summary>
/// The host is back (<see cref="HostRecovered.ResolvedBy"/>); it ends <paramref name="IncidentId"/>, the incident the
/// caller saw open (null: none) — never one opened since, which the caller knows nothing of.
/// </summary>
public sealed record RecoverHost(string Host, string? IncidentId, string ResolvedBy, string Reason, DateTimeOffset At) : PhysicalResourceCommand(Host, At);

/// <summary>
/// The cloud's own view of the host, as its driver lists it: a host the cloud itself shows in maintenance (an operator's
/// work outside any session of ours) is held for it under <see cref="PhysicalResource.CloudHold"/>, and let go when the
/// cloud shows it back. Incidents that the cloud's view ends are recovered, not observed (<see cref="RecoverHost"/>).
/// </summary>
public sealed record ObserveHost(string Host, bool ObservedInMaintenance, DateTimeOffset At) : PhysicalResourceCommand(Host, At);

public sealed record HoldForMaintenance(string Host, string SessionId, DateTimeOffset At) : PhysicalResourceCommand(Host, At);

public sealed record ReleaseFromMaintenance(string Host, string SessionId, DateTimeOffset At) : PhysicalResourceCommand(Host, At);

/// <summary>An admin's StateChange; <c>down</c> is not one of these (it opens an incident: <see cref="DeclareHostDown"/>).</summary>
public sealed record ChangeHostState(string Host, HostState State, string Reason, DateTimeOffset At) : PhysicalResourceCommand(Host, At);

public sealed record SetHostMetadata(string Host, string? MetadataJson, DateTimeOffset At) : PhysicalResourceCommand(Host, At);
