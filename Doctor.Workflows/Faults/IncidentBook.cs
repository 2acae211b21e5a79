using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Doctor.Domain.Faults;
using Doctor.Workflows.EventStore;
using Npgsql;

namespace Doctor.Workflows.Faults;

/// <summary>
/// Every incident of this node, folded, with its stream version (0 for a fault that fenced nothing, recorded in its
/// report's stream — <see cref="FaultBatchRecorded"/>): the fault query, the profile index and the open
/// faults per resource (<see cref="IActiveFaults"/>) read it. Rebuilt from the store on first use, then kept current
/// by the inspector as it appends. One writer node is assumed (docs/faults.md).
/// </summary>
public sealed class IncidentBook(NpgsqlDataSource dataSource, EventTypeRegistry types) : IActiveFaults
{
    private readonly ConcurrentDictionary<string, (IncidentState State, long Version)> _incidents = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _openByHost = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile bool _loaded;

    public async ValueTask EnsureLoadedAsync(CancellationToken ct)
    {
        if (_loaded)
            return;
        await _loading.WaitAsync(ct);
        try
        {
            if (_loaded)
                return;
            await using var cmd = dataSource.CreateCommand(
                "SELECT stream_id, version, type, data::text FROM doctor.events WHERE stream_id LIKE 'incident-%' OR stream_id LIKE 'faults-%' ORDER BY seq");
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            var folded = new Dictionary<string, (IncidentState State, long Version)>(StringComparer.Ordinal);
            while (await reader.ReadAsync(ct))
            {
                var streamId = reader.GetString(0);
                var recorded = new RecordedEvent(0, Guid.Empty, streamId, reader.GetInt64(1), reader.GetString(2), reader.GetString(3),
                    EventMetadata.Engine("load"), default);
                if (streamId.StartsWith(FaultEventTypes.ReportStreamPrefix, StringComparison.Ordinal))
                {
                    // A report's faults that fenced nothing: each is a whole incident, with no stream of its own.
                    if (types.Deserialize(recorded) is FaultBatchRecorded report)
                    {
                        foreach (var fault in report.Faults)
                            folded[FaultEventTypes.StreamId(fault.Fault.IncidentId)] = (FaultIncident.Evolve(IncidentState.Initial, fault), 0);
                    }
                    continue;
                }
                var (state, _) = folded.TryGetValue(streamId, out var known) ? known : (IncidentState.Initial, 0L);
                if (types.Deserialize(recorded) is IFaultEvent evt)
                    state = FaultIncident.Evolve(state, evt);
                folded[streamId] = (state, recorded.Version);
            }
            foreach (var (streamId, entry) in folded)
                Put(streamId[FaultEventTypes.StreamPrefix.Length..], entry.State, entry.Version);
            _loaded = true;
        }
        finally
        {
            _loading.Release();
        }
    }

    public (IncidentState State, long Version)? Get(string incidentId) =>
        _incidents.TryGetValue(incidentId, out var entry) ? entry : null;

    /// <summary>The open incident fencing <paramref name="host"/>, if any.</summary>
    public string? OpenOn(string host) => _openByHost.TryGetValue(host, out var id) ? id : null;

    public IReadOnlyList<IncidentState> All() =>
        [.. _incidents.Values.Select(e => e.State).OrderBy(s => s.Fault!.At).ThenBy(s => s.IncidentId, StringComparer.Ordinal)];

    public void Put(string incidentId, IncidentState state, long version)
    {
        _incidents.AddOrUpdate(incidentId, (state, version), (_, old) => old.Version > version ? old : (state, version));
        var host = state.Fault?.Host;
        if (host is null)
            return;
        if (state.Status == IncidentStatus.Open)
            _openByHost[host] = incidentId;
        else
            _openByHost.TryRemove(new KeyValuePair<string, string>(host, incidentId));
    }

    public async Task<IReadOnlyList<ResourceFault>> ForResourcesAsync(IReadOnlyCollection<string> resourceIds, CancellationToken ct)
    {
        await EnsureLoadedAsync(ct);
        var wanted = resourceIds as IReadOnlySet<string> ?? resourceIds.ToHashSet(StringComparer.Ordinal);
        var result = new List<ResourceFault>();
        foreach (var state in All())
        {
            if (state.Status != IncidentStatus.Open)
                continue;
            if (state.Fault!.Host is { } host && wanted.Contains(host))
                result.Add(FaultOf(state, host));
            foreach (var instance in state.Instances)
            {
                if (wanted.Contains(instance.InstanceId))
                    result.Add(FaultOf(state, instance.InstanceId));
            }
        }
        return result;
    }

    /// <summary>The fault of <paramref name="state"/> as seen on one resource (the host or one of its instances).</summary>
    public static ResourceFault FaultOf(IncidentState state, string resourceId)
    {
        var fault = state.Fault!;
        return new ResourceFault(resourceId, fault.FaultId, fault.FaultType, fault.Severity, fault.EventTime, fault.ProbableCause,
            state.CorrelatedFaultIds, resourceId == fault.Host, JsonNode.Parse(fault.DetailsJson) as JsonObject);
    }
}
