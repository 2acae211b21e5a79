namespace Doctor.Domain.Hosts;

// Every fact of a physical resource, past tense, immutable (stream host-{name}, DESIGN.md §3). Stored under stable
// names (HostEventTypes in Doctor.Workflows); a shape change means a .v2 name, never an edit here.

public interface IPhysicalResourceEvent
{
    string Host { get; }
    DateTimeOffset At { get; }
}

/// <summary>
/// An incident fences the host (<paramref name="Affects"/> <c>host</c>: down; <c>ports</c>: its data plane only, error).
/// Appended with the incident itself, at the host stream's version its node saw: two nodes deciding on one host at once
/// append at the same version, and only one commits.
/// </summary>
public sealed record HostDeclaredDown(string Host, string IncidentId, string Affects, string Reason, DateTimeOffset At) : IPhysicalResourceEvent;

/// <summary>The cloud confirmed the force-down of the incident's host (instances show host_status DOWN).</summary>
public sealed record HostForcedDown(string Host, string IncidentId, DateTimeOffset At) : IPhysicalResourceEvent;

/// <summary>
/// The host is back and its incident (if any) ends. <paramref name="ResolvedBy"/>: <c>compute.host.up</c> (a monitor),
/// <c>api</c> (force-down unset or StateChange normal), <c>reconciled</c> (the cloud showed it up and not forced down).
/// </summary>
public sealed record HostRecovered(string Host, string? IncidentId, string ResolvedBy, string Reason, DateTimeOffset At) : IPhysicalResourceEvent;

/// <summary>A maintenance session took the host into maintenance: it is not fenced automatically while held.</summary>
public sealed record HostHeldForMaintenance(string Host, string SessionId, DateTimeOffset At) : IPhysicalResourceEvent;

/// <summary>The session that held the host let it go (maintenance complete, or the session ended).</summary>
public sealed record HostReleasedFromMaintenance(string Host, string SessionId, DateTimeOffset At) : IPhysicalResourceEvent;

/// <summary>An admin's StateChange to <c>maintenance</c>, <c>error</c> or <c>normal</c> (down fences, through an incident).</summary>
public sealed record HostStateChanged(string Host, HostState State, string Reason, DateTimeOffset At) : IPhysicalResourceEvent;

/// <summary>The metadata an admin attached with a StateChange (null: removed).</summary>
public sealed record HostMetadataChanged(string Host, string? MetadataJson, DateTimeOffset At) : IPhysicalResourceEvent;
