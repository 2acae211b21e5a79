namespace Doctor.Domain;

/// <summary>
/// A command the rules refuse. <see cref="Kind"/> tells the edge how to answer (HTTP 400/403/404/409) without the
/// domain knowing about HTTP; <see cref="Exception.Message"/> is the title a client reads.
/// </summary>
public class DomainRuleViolation(RuleKind kind, string title) : Exception(title)
{
    public RuleKind Kind { get; } = kind;
}
