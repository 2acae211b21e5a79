namespace Doctor.Domain.Maintenance;

// What may be asked of a session. Every command carries the time it is decided at: the decider reads no clock.

public abstract record MaintenanceCommand(DateTimeOffset At);

public sealed record CreateSession(
    string SessionId,
    string WorkflowId,
    int WorkflowVersion,
    IReadOnlyList<string> Hosts,
    DateTimeOffset MaintenanceAt,
    string MaintenanceAtForm,
    string MetadataJson,
    IReadOnlyList<ActionPlugin> Actions,
    SubscriptionPolicy Policy,
    string InitialState,
    DateTimeOffset At) : MaintenanceCommand(At);

public sealed record EnterState(string State, string Reason, DateTimeOffset At) : MaintenanceCommand(At);

public sealed record ChooseHost(string Host, string Reason, DateTimeOffset At) : MaintenanceCommand(At);

public sealed record OpenReplyWindow(
    int Round,
    IReadOnlyList<ProjectAudience> Projects,
    IReadOnlyList<string> AllowedActions,
    DateTimeOffset Deadline,
    DateTimeOffset? ActionsAt,
    DateTimeOffset At) : MaintenanceCommand(At);

/// <summary>A project's answer on reply_url. <paramref name="InstanceId"/> set: a per-instance reply (vnf workflow).</summary>
public sealed record RecordReply(
    string ProjectId,
    string Reply,
    IReadOnlyDictionary<string, string> InstanceActions,
    DateTimeOffset At,
    string? InstanceId = null) : MaintenanceCommand(At);

/// <summary>A reply-window deadline fired; <paramref name="Round"/> is the round it was armed for.</summary>
public sealed record ExpireReplyWindow(int Round, DateTimeOffset At) : MaintenanceCommand(At);

public sealed record CompleteActivity(string Activity, string Stage, int Round, DateTimeOffset At) : MaintenanceCommand(At);

public sealed record DisableCompute(string Host, DateTimeOffset At) : MaintenanceCommand(At);

public sealed record EnableCompute(string Host, DateTimeOffset At) : MaintenanceCommand(At);

public sealed record RequestInstanceAction(string InstanceId, string ProjectId, string Action, string FromHost, DateTimeOffset At) : MaintenanceCommand(At);

public sealed record RecordInstanceActionDone(string InstanceId, string? ToHost, DateTimeOffset At) : MaintenanceCommand(At);

public sealed record RecordInstanceActionFailed(string InstanceId, string Reason, DateTimeOffset At) : MaintenanceCommand(At);

public sealed record EnterHostMaintenance(string Host, DateTimeOffset At) : MaintenanceCommand(At);

public sealed record RecordHostAction(string Host, string Plugin, string Type, string? FailureReason, DateTimeOffset At) : MaintenanceCommand(At);

public sealed record LeaveHostMaintenance(string Host, DateTimeOffset At) : MaintenanceCommand(At);

public sealed record CompleteSession(DateTimeOffset At) : MaintenanceCommand(At);

public sealed record FailSession(string Reason, DateTimeOffset At) : MaintenanceCommand(At);

public sealed record DeleteSession(string Actor, DateTimeOffset At) : MaintenanceCommand(At);

public sealed record ResumeSession(string State, DateTimeOffset At) : MaintenanceCommand(At);

/// <summary>An admin moves maintenance_at (Fenix's session update): <paramref name="Form"/> is how it was written, for echoing it back.</summary>
public sealed record RescheduleSession(DateTimeOffset MaintenanceAt, string Form, DateTimeOffset At) : MaintenanceCommand(At);
