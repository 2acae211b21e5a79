namespace Doctor.Domain.Maintenance;

// The ways a maintenance command can be refused. Titles say what is wrong and where, for the problem+json the client reads.

public sealed class SessionNotRunning(string sessionId, SessionStatus status, string? reason)
    : DomainRuleViolation(RuleKind.Conflict, $"session {sessionId} is {status.ToString().ToLowerInvariant()}" + (reason is null ? "" : $": {reason}"));

public sealed class ReplyOutOfPhase(string reply, string currentState)
    : DomainRuleViolation(RuleKind.Conflict, $"state: reply {reply} does not match the session's current state {currentState} (expected ACK_{currentState} or NACK_{currentState})");

public sealed class ReplyNotExpected(string currentState)
    : DomainRuleViolation(RuleKind.Conflict, $"state: the session is in {currentState} and is not waiting for replies");

public sealed class ProjectNotInSession(string projectId, string state)
    : DomainRuleViolation(RuleKind.NotFound, $"project {projectId} has no instances affected by {state} in this session");

public sealed class ReplyWindowClosed(string state, DateTimeOffset deadline)
    : DomainRuleViolation(RuleKind.Conflict, $"the reply window for {state} closed at {deadline:yyyy-MM-dd HH:mm:ss}Z");

public sealed class ReplyAlreadyRecorded(string projectId, string previous)
    : DomainRuleViolation(RuleKind.Conflict, $"project {projectId} already replied {previous} in this state");

public sealed class InvalidReply(string title) : DomainRuleViolation(RuleKind.Invalid, title);

public sealed class InstanceActionNotAnswered(string instanceId, string projectId, string action)
    : DomainRuleViolation(RuleKind.Conflict, $"instance {instanceId} may not be moved by {action}: project {projectId} has not answered that action for it");

public sealed class SessionRuleViolation(RuleKind kind, string title) : DomainRuleViolation(kind, title);
