namespace Doctor.Domain.Hosts;

// The ways a host command can be refused; titles say what is wrong, for the problem+json a client reads.

/// <summary>The host already has an open incident: a new report about it is a repeat of that one.</summary>
public sealed class HostAlreadyDown(string host, string incidentId)
    : DomainRuleViolation(RuleKind.Conflict, $"host {host} is already fenced by incident {incidentId}")
{
    public string IncidentId { get; } = incidentId;
}

public sealed class HostStateNotChangeable(string host, HostState state)
    : DomainRuleViolation(RuleKind.Invalid, $"host {host}: state {state.Name()} is not set directly (down opens an incident)");
