namespace Doctor.Workflows.Faults;

/// <summary>
/// A node claimed the fencing of <paramref name="Host"/> for incident <paramref name="IncidentId"/>: appended to the
/// host's claim stream (<see cref="FaultEventTypes.HostClaimStreamId"/>) in the same unit as the incident, at the claim
/// stream's version the node saw with no open incident on the host. Two nodes opening an incident for one host at once
/// append at the same version: one commits, the other's whole unit is refused, and its report becomes a repeat.
/// </summary>
public sealed record HostFencingClaimed(string Host, string IncidentId, DateTimeOffset At);
