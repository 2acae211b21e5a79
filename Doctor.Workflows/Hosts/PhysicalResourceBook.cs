using System.Collections.Concurrent;
using Doctor.Domain.Hosts;
using Doctor.Workflows.EventStore;

namespace Doctor.Workflows.Hosts;

/// <summary>
/// Every host's <see cref="PhysicalResourceState"/> as this node knows it, with its stream version: the fault path reads
/// it without a round trip (is the host fenced, held for maintenance, at which version to declare it down). Kept current
/// by this node's own appends and, for what other nodes append, by the <see cref="Faults.IncidentBook"/>'s catch-up,
/// which passes every host stream event it meets to <see cref="Apply"/>. A host never written is
/// <see cref="PhysicalResourceState.Initial"/> at version 0: normal.
/// </summary>
public sealed class PhysicalResourceBook(IEventStore store, EventTypeRegistry types)
{
    private readonly ConcurrentDictionary<string, (PhysicalResourceState State, long Version)> _hosts = new(StringComparer.Ordinal);

    public (PhysicalResourceState State, long Version) Get(string host) =>
        _hosts.TryGetValue(host, out var known) ? known : (PhysicalResourceState.Initial, 0);

    /// <summary>Every host that has a stream, by name.</summary>
    public IReadOnlyDictionary<string, PhysicalResourceState> All() =>
        _hosts.ToDictionary(h => h.Key, h => h.Value.State, StringComparer.Ordinal);

    /// <summary>Keeps <paramref name="state"/> unless a newer version is known already (another thread or node got there first).</summary>
    public void Put(string host, PhysicalResourceState state, long version) =>
        _hosts.AddOrUpdate(host, (state, version), (_, old) => old.Version >= version ? old : (state, version));

    /// <summary>
    /// Folds one recorded event of a host stream; returns false when it does not follow the version known (an event
    /// was missed between two looks): the caller then reloads the stream (<see cref="ReloadAsync"/>).
    /// </summary>
    public bool Apply(RecordedEvent recorded)
    {
        var host = recorded.StreamId[HostEventTypes.StreamPrefix.Length..];
        var (state, version) = Get(host);
        if (recorded.Version <= version)
            return true; // this node wrote it, or saw it already
        if (recorded.Version != version + 1)
            return false;
        Put(host, types.Deserialize(recorded) is IPhysicalResourceEvent evt ? PhysicalResource.Evolve(state, evt) : state, recorded.Version);
        return true;
    }

    /// <summary>Folds the host's stream from the store and keeps it (a gap, or a conflict with another writer).</summary>
    public async Task<(PhysicalResourceState State, long Version)> ReloadAsync(string host, CancellationToken ct)
    {
        var state = PhysicalResourceState.Initial with { Host = host };
        long version = 0;
        foreach (var recorded in await store.ReadStreamAsync(HostEventTypes.StreamId(host), ct: ct))
        {
            version = recorded.Version;
            if (types.Deserialize(recorded) is IPhysicalResourceEvent evt)
                state = PhysicalResource.Evolve(state, evt);
        }
        _hosts[host] = (state, version);
        return (state, version);
    }
}
