namespace Doctor.Domain.Maintenance;

// Every fact of a maintenance session, past tense, immutable. Stored under stable names (see the registry in
// Doctor.Workflows); a shape change means a new .v2 name and an upcaster, never an edit here.

public interface IMaintenanceEvent
{
    DateTimeOffset At { get; }
}

/// <summary>An action plug-in of the session: <paramref name="Type"/> is <c>pre</c>, <c>host</c> or <c>post</c>.</summary>
public sealed record ActionPlugin(string Plugin, string Type, string MetadataJson);

/// <summary>A project asked in a reply window and the instances of it that the state affects.</summary>
public sealed record ProjectAudience(string ProjectId, IReadOnlyList<string> InstanceIds, bool Interactive);

public sealed record SessionCreated(
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
    DateTimeOffset At) : IMaintenanceEvent;

/// <summary>The session entered a workflow state; <paramref name="Round"/> numbers the entries so late timers can be told apart.</summary>
public sealed record StateEntered(string State, int Round, string? From, string Reason, DateTimeOffset At) : IMaintenanceEvent;

/// <summary>The host this round empties (PREPARE/PLANNED_MAINTENANCE).</summary>
public sealed record HostChosen(string Host, int Round, string Reason, DateTimeOffset At) : IMaintenanceEvent;

public sealed record ReplyWindowOpened(
    int Round,
    string State,
    IReadOnlyList<ProjectAudience> Projects,
    IReadOnlyList<string> AllowedActions,
    DateTimeOffset Deadline,
    DateTimeOffset? ActionsAt,
    DateTimeOffset At) : IMaintenanceEvent;

public sealed record ProjectNotified(string ProjectId, string State, int Round, IReadOnlyList<string> InstanceIds, bool Interactive, DateTimeOffset At) : IMaintenanceEvent;

public sealed record ReplyReceived(
    string ProjectId,
    string Reply,
    int Round,
    IReadOnlyDictionary<string, string> InstanceActions,
    DateTimeOffset At) : IMaintenanceEvent;

public sealed record ReplyWindowExpired(int Round, IReadOnlyList<string> MissingProjects, DateTimeOffset At) : IMaintenanceEvent;

/// <summary>A step of the current state finished: <paramref name="Stage"/> is <c>prepare</c> or <c>run</c>.</summary>
public sealed record ActivityCompleted(string Activity, string Stage, int Round, DateTimeOffset At) : IMaintenanceEvent;

public sealed record ComputeDisabled(string Host, DateTimeOffset At) : IMaintenanceEvent;

public sealed record ComputeEnabled(string Host, DateTimeOffset At) : IMaintenanceEvent;

public sealed record InstanceActionRequested(string InstanceId, string ProjectId, string Action, string FromHost, int Round, DateTimeOffset At) : IMaintenanceEvent;

public sealed record InstanceActionDone(string InstanceId, string ProjectId, string Action, string? ToHost, DateTimeOffset At) : IMaintenanceEvent;

public sealed record InstanceActionFailed(string InstanceId, string ProjectId, string Action, string Reason, DateTimeOffset At) : IMaintenanceEvent;

public sealed record HostEnteredMaintenance(string Host, DateTimeOffset At) : IMaintenanceEvent;

public sealed record HostActionCompleted(string Host, string Plugin, string Type, DateTimeOffset At) : IMaintenanceEvent;

public sealed record HostActionFailed(string Host, string Plugin, string Type, string Reason, DateTimeOffset At) : IMaintenanceEvent;

public sealed record HostLeftMaintenance(string Host, DateTimeOffset At) : IMaintenanceEvent;

public sealed record SessionDone(DateTimeOffset At) : IMaintenanceEvent;

public sealed record SessionFailed(string Reason, string? InState, DateTimeOffset At) : IMaintenanceEvent;

public sealed record SessionDeleted(string Actor, DateTimeOffset At) : IMaintenanceEvent;

/// <summary>An admin asked a failed session to go on from <paramref name="State"/>.</summary>
public sealed record SessionResumed(string State, int Round, DateTimeOffset At) : IMaintenanceEvent;

/// <summary>An admin moved maintenance_at; <paramref name="Previous"/> is the time it replaces.</summary>
public sealed record MaintenanceRescheduled(DateTimeOffset MaintenanceAt, string Form, DateTimeOffset Previous, DateTimeOffset At) : IMaintenanceEvent;
