using System.Collections.Concurrent;
using Doctor.Domain.Faults;
using Doctor.Domain.Hosts;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Hosts;

namespace Doctor.Workflows.Faults;

/// <summary>
/// Decides commands on an open incident's current state and appends the result — with its notifications, and with what
/// it means for the host (<c>host-{name}</c>) in the same write, so that an incident and its host never tell two stories.
/// A conflict (another node wrote either stream) is decided again on both as they now are.
/// </summary>
public sealed class IncidentRecorder(IncidentBook book, PhysicalResourceBook hosts, IEventStore store, EventTypeRegistry types, TimeProvider clock)
{
    private const int MaxAttempts = 5;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _writers = new(StringComparer.Ordinal);

    /// <summary>
    /// Decides <paramref name="commands"/> in order on the incident, and <paramref name="hostCommand"/> on its host, and
    /// appends both with <paramref name="outbox"/> (when the incident gained an event). Returns the incident's events as recorded.
    /// </summary>
    public async Task<IReadOnlyList<RecordedEvent>> ExecuteAsync(string incidentId, IReadOnlyList<FaultCommand> commands,
        FaultNotificationsEmitted? outbox, EventMetadata metadata, CancellationToken ct, PhysicalResourceCommand? hostCommand = null)
    {
        // One writer per incident on this node: twenty monitors repeating one fault queue here instead of racing
        // the expected version; the retries below are for another node writing the same incident or host.
        var gate = _writers.GetOrAdd(incidentId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            return await DecideAndAppendAsync(incidentId, commands, outbox, metadata, hostCommand, ct);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<IReadOnlyList<RecordedEvent>> DecideAndAppendAsync(string incidentId, IReadOnlyList<FaultCommand> commands,
        FaultNotificationsEmitted? outbox, EventMetadata metadata, PhysicalResourceCommand? hostCommand, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (state, version) = book.Get(incidentId) ?? await book.ReloadAsync(incidentId, ct);
            var after = state;
            var toAppend = new List<EventToAppend>();
            foreach (var command in commands)
            {
                foreach (var evt in FaultIncident.Decide(command, after))
                {
                    after = FaultIncident.Evolve(after, evt);
                    toAppend.Add(types.Serialize(evt, Guid.CreateVersion7()));
                }
            }
            if (toAppend.Count > 0 && outbox is not null)
                toAppend.Add(types.Serialize(outbox, Guid.CreateVersion7()));
            var (host, hostVersion) = hostCommand is null ? default : hosts.Get(hostCommand.Host);
            var hostAfter = host;
            var hostEvents = new List<EventToAppend>();
            if (hostCommand is not null)
            {
                foreach (var evt in PhysicalResource.Decide(hostCommand, host))
                {
                    hostAfter = PhysicalResource.Evolve(hostAfter, evt);
                    hostEvents.Add(types.Serialize(evt, Guid.CreateVersion7()));
                }
            }
            var appends = new List<StreamAppend>(2);
            if (toAppend.Count > 0)
                appends.Add(new StreamAppend(FaultEventTypes.StreamId(incidentId), FaultEventTypes.StreamType, ExpectedVersion.Exactly(version), toAppend, metadata));
            if (hostEvents.Count > 0)
                appends.Add(new StreamAppend(HostEventTypes.StreamId(hostCommand!.Host), HostEventTypes.StreamType, ExpectedVersion.Exactly(hostVersion), hostEvents, metadata));
            if (appends.Count == 0)
                return [];
            try
            {
                var results = await store.AppendManyAsync(appends, ct);
                if (hostEvents.Count > 0)
                    hosts.Put(hostCommand!.Host, hostAfter, results[^1].StreamVersion);
                if (toAppend.Count == 0)
                    return [];
                book.Put(incidentId, after, results[0].StreamVersion);
                return AppendedEvents.From(results[0], toAppend, metadata, clock.GetUtcNow());
            }
            catch (WrongExpectedVersionException) when (attempt < MaxAttempts)
            {
                await book.ReloadAsync(incidentId, ct);
                if (hostCommand is not null)
                    await hosts.ReloadAsync(hostCommand.Host, ct);
            }
        }
    }
}
