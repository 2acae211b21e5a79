using Doctor.Domain.Hosts;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Faults;

namespace Doctor.Workflows.Hosts;

/// <summary>
/// Decides a command on a host's current state and appends what it decides to <c>host-{name}</c> at the version it was
/// decided on; another writer in between (another node, the fault path) makes it decide again on the state as it now is.
/// What maintenance sessions and the admin's StateChange do to a host goes through here; the fault path appends its
/// own <see cref="HostDeclaredDown"/> with the incident (<see cref="FaultInspector"/>).
/// </summary>
public sealed class PhysicalResources(PhysicalResourceBook hosts, IncidentBook incidents, IEventStore store, EventTypeRegistry types, TimeProvider clock)
{
    private const int MaxAttempts = 5;

    /// <summary>The host's state after catching up with what other nodes appended.</summary>
    public async Task<PhysicalResourceState> GetAsync(string host, CancellationToken ct)
    {
        await incidents.CatchUpOpenAsync(ct);
        return hosts.Get(host).State;
    }

    /// <summary>Decides the commands in order and appends their events in one write; returns the state after and whether anything changed.</summary>
    public async Task<(PhysicalResourceState State, bool Changed)> ExecuteAsync(string host, Func<DateTimeOffset, IReadOnlyList<PhysicalResourceCommand>> commands,
        EventMetadata metadata, CancellationToken ct)
    {
        var (state, version) = hosts.Get(host);
        for (var attempt = 1; ; attempt++)
        {
            var after = state;
            var toAppend = new List<EventToAppend>();
            foreach (var command in commands(clock.GetUtcNow()))
            {
                foreach (var evt in PhysicalResource.Decide(command, after))
                {
                    after = PhysicalResource.Evolve(after, evt);
                    toAppend.Add(types.Serialize(evt, Guid.CreateVersion7()));
                }
            }
            if (toAppend.Count == 0)
                return (after, false);
            try
            {
                var result = await store.AppendAsync(HostEventTypes.StreamId(host), HostEventTypes.StreamType, ExpectedVersion.Exactly(version), toAppend, metadata, ct);
                hosts.Put(host, after, result.StreamVersion);
                return (after, true);
            }
            catch (WrongExpectedVersionException) when (attempt < MaxAttempts)
            {
                (state, version) = await hosts.ReloadAsync(host, ct);
            }
        }
    }

    public Task<(PhysicalResourceState State, bool Changed)> ExecuteAsync(string host, Func<DateTimeOffset, PhysicalResourceCommand> command,
        EventMetadata metadata, CancellationToken ct) =>
        ExecuteAsync(host, now => [command(now)], metadata, ct);

    /// <summary>A maintenance session takes the host: from now on it is not fenced automatically.</summary>
    public Task<(PhysicalResourceState State, bool Changed)> HoldForMaintenanceAsync(string host, string sessionId, CancellationToken ct) =>
        ExecuteAsync(host, now => new HoldForMaintenance(host, sessionId, now), EventMetadata.Engine(sessionId), ct);

    /// <summary>The session lets the host go (nothing changes when another session, or none, holds it).</summary>
    public Task<(PhysicalResourceState State, bool Changed)> ReleaseFromMaintenanceAsync(string host, string sessionId, CancellationToken ct) =>
        ExecuteAsync(host, now => new ReleaseFromMaintenance(host, sessionId, now), EventMetadata.Engine(sessionId), ct);
}
