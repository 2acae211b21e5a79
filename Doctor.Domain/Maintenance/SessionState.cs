using System.Collections.Immutable;

namespace Doctor.Domain.Maintenance;

/// <summary>A maintenance session as its events leave it. Rebuilt by folding <see cref="MaintenanceSession.Evolve"/>.</summary>
public sealed record SessionState
{
    public static SessionState Initial { get; } = new();

    public string SessionId { get; init; } = "";
    public SessionStatus Status { get; init; } = SessionStatus.NotStarted;
    public string WorkflowId { get; init; } = "";
    public int WorkflowVersion { get; init; }
    public IReadOnlyList<string> Hosts { get; init; } = [];
    public DateTimeOffset MaintenanceAt { get; init; }
    public string MaintenanceAtForm { get; init; } = "iso";
    public string MetadataJson { get; init; } = "{}";
    public IReadOnlyList<ActionPlugin> Actions { get; init; } = [];
    public SubscriptionPolicy Policy { get; init; }

    /// <summary>The state the session started in: until it leaves it, maintenance has not begun and maintenance_at may move.</summary>
    public string InitialState { get; init; } = "";

    /// <summary>The workflow state the session is in (MAINTENANCE, SCALE_IN, ...).</summary>
    public string State { get; init; } = "";

    /// <summary>Why the session entered its current state (e.g. the NACK or the expiry that failed it).</summary>
    public string StateReason { get; init; } = "";
    public int Round { get; init; }
    public string? ChosenHost { get; init; }
    public ReplyWindow? Window { get; init; }

    /// <summary>Stages (<c>prepare</c>, <c>run</c>) of the current state already completed this round.</summary>
    public ImmutableHashSet<string> CompletedStages { get; init; } = [];

    public ImmutableDictionary<string, InstanceActionState> InstanceActions { get; init; } = ImmutableDictionary<string, InstanceActionState>.Empty;
    public ImmutableHashSet<string> DisabledComputes { get; init; } = [];
    public ImmutableList<string> MaintainedHosts { get; init; } = [];

    /// <summary>The round in which a host last left maintenance: a START_MAINTENANCE resumed after a crash knows its work is done.</summary>
    public int HostMaintainedInRound { get; init; }
    public string? HostInMaintenance { get; init; }
    public ImmutableHashSet<string> HostActionsDone { get; init; } = [];

    /// <summary>Every project notified so far: MAINTENANCE_COMPLETE goes to all of them.</summary>
    public ImmutableSortedSet<string> KnownProjects { get; init; } = ImmutableSortedSet<string>.Empty;

    public string? FailureReason { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    public bool IsRunning => Status == SessionStatus.Running;
    public bool IsEnded => Status is SessionStatus.Done or SessionStatus.Failed or SessionStatus.Deleted;

    /// <summary>The open reply window of the current round, if any.</summary>
    public ReplyWindow? CurrentWindow => Window is { } w && w.Round == Round ? w : null;

    public static string HostActionKey(string host, string plugin, string type) => $"{host}|{type}|{plugin}";
}
