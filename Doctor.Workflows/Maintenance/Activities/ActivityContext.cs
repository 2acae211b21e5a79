using Doctor.Domain.Maintenance;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Hosts;
using Doctor.Workflows.Infrastructure;

namespace Doctor.Workflows.Maintenance.Activities;

/// <summary>What an activity may use: the session (kept current as it decides), the cloud, the hosts' states, and the way to record what it did.</summary>
public sealed class ActivityContext(string sessionId, SessionState state, MaintenanceSessions sessions, IInfrastructure infrastructure,
    PhysicalResources hosts, MaintenanceOptions options)
{
    public string SessionId { get; } = sessionId;
    public SessionState State { get; private set; } = state;
    public IInfrastructure Infrastructure { get; } = infrastructure;
    public PhysicalResources Hosts { get; } = hosts;
    public MaintenanceOptions Options { get; } = options;

    /// <summary>Decides and records a command; the session state is refreshed from the outcome.</summary>
    public async Task<SessionState> ExecuteAsync(Func<SessionState, DateTimeOffset, MaintenanceCommand> command, CancellationToken ct)
    {
        var change = await sessions.ExecuteAsync(SessionId, command, EventMetadata.Engine(SessionId, commandId: null), ct);
        State = change.State;
        return State;
    }

    /// <summary>Decides commands in order and records all they decide in one append; the session state is refreshed from the outcome.</summary>
    public async Task<SessionState> ExecuteAllAsync(Func<SessionState, DateTimeOffset, IReadOnlyList<MaintenanceCommand>> commands, CancellationToken ct)
    {
        var change = await sessions.ExecuteAllAsync(SessionId, commands, EventMetadata.Engine(SessionId, commandId: null), ct);
        State = change.State;
        return State;
    }

    /// <summary>True while nothing (a delete, a failure) has ended the session under the activity.</summary>
    public bool StillRunning => State.IsRunning;
}
