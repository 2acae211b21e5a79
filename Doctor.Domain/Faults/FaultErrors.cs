namespace Doctor.Domain.Faults;

// The ways an incident command can be refused; titles say what is wrong, for the problem+json a client reads.

public sealed class IncidentAlreadyOpened(string incidentId)
    : DomainRuleViolation(RuleKind.Conflict, $"incident {incidentId} already exists");

public sealed class IncidentNotOpen(string? incidentId, IncidentStatus status)
    : DomainRuleViolation(status == IncidentStatus.None ? RuleKind.NotFound : RuleKind.Conflict,
        status == IncidentStatus.None ? $"incident {incidentId}: no such incident" : $"incident {incidentId} is {status.ToString().ToLowerInvariant()}, not open");
