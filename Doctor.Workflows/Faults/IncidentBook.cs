using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Doctor.Domain.Faults;
using Doctor.Workflows.EventStore;
using Npgsql;

namespace Doctor.Workflows.Faults;

/// <summary>
/// Every incident, folded, with its stream version (0 for a fault that fenced nothing, recorded in its report's stream —
/// <see cref="FaultBatchRecorded"/>): the fault query, the profile index and the open faults per resource
/// (<see cref="IActiveFaults"/>) read it. Built from the store on first use, kept current by this node's inspector as it
/// appends, and caught up from the store with what other nodes appended (docs/scale-out.md): every query catches up
/// first, and <see cref="IncidentBookFollower"/> folds the incident streams — what says whether a host already has an
/// open incident — on every append notification, so two nodes hearing of one host failure open one incident unless
/// they decide within the same few milliseconds.
/// </summary>
public sealed class IncidentBook(NpgsqlDataSource dataSource, EventTypeRegistry types) : IActiveFaults
{
    // A page of the feed after the last position, in order, by the primary key — never an index scan over every incident
    // ever recorded — without the data: most of what a look finds this node wrote itself and knows already.
    private const string PageSql = """
        SELECT seq, stream_id, version, type FROM doctor.events WHERE seq > $1 ORDER BY seq LIMIT $2
        """;
    private const string DataSql = "SELECT seq, data::text FROM doctor.events WHERE seq = ANY($1)";
    private const int PageSize = 5_000;
    private readonly ConcurrentDictionary<string, (IncidentState State, long Version)> _incidents = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _openByHost = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _catchingUp = new(1, 1);

    // The last position folded: of incident and report streams together, and of incident streams alone (the cheaper
    // look the inspector takes on its fast path, which skips the reports of bulk ingest).
    private long _seenAll;
    private long _seenIncidents;
    private volatile bool _looked;

    /// <summary>Loads every incident on first use; later, folds what was appended since the last look, by any node.</summary>
    public ValueTask EnsureLoadedAsync(CancellationToken ct) => CatchUpAsync(includeReports: true, ct);

    /// <summary>Folds what was appended to incident streams since the last look, by any node: open incidents are current.</summary>
    public ValueTask CatchUpOpenAsync(CancellationToken ct) => CatchUpAsync(includeReports: false, ct);

    /// <summary>Reads the incident streams once, on first use; after that <see cref="IncidentBookFollower"/> keeps them current.</summary>
    public ValueTask EnsureOpenLoadedAsync(CancellationToken ct) => _looked ? ValueTask.CompletedTask : CatchUpOpenAsync(ct);

    private async ValueTask CatchUpAsync(bool includeReports, CancellationToken ct)
    {
        await _catchingUp.WaitAsync(ct);
        try
        {
            var last = includeReports ? _seenAll : Math.Max(_seenAll, _seenIncidents);
            var stale = new HashSet<string>(StringComparer.Ordinal);
            for (var rows = PageSize; rows == PageSize;)
            {
                rows = 0;
                var wanted = new List<(long Seq, string StreamId, long Version, string Type)>();
                await using (var cmd = dataSource.CreateCommand(PageSql))
                {
                    cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = last });
                    cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = PageSize });
                    await using var reader = await cmd.ExecuteReaderAsync(ct);
                    while (await reader.ReadAsync(ct))
                    {
                        rows++;
                        last = reader.GetInt64(0);
                        var (streamId, version) = (reader.GetString(1), reader.GetInt64(2));
                        if (Wants(streamId, version, includeReports))
                            wanted.Add((last, streamId, version, reader.GetString(3)));
                    }
                }
                if (wanted.Count == 0)
                    continue;
                var data = new Dictionary<long, string>();
                await using (var cmd = dataSource.CreateCommand(DataSql))
                {
                    cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. wanted.Select(w => w.Seq)] });
                    await using var reader = await cmd.ExecuteReaderAsync(ct);
                    while (await reader.ReadAsync(ct))
                        data[reader.GetInt64(0)] = reader.GetString(1);
                }
                foreach (var (seq, streamId, version, type) in wanted)
                    Apply(new RecordedEvent(seq, Guid.Empty, streamId, version, type, data[seq], EventMetadata.Engine("load"), default), stale);
            }
            // A gap (an event missed between two looks) is mended from the stream itself.
            foreach (var incidentId in stale)
                await ReloadAsync(incidentId, ct);
            if (includeReports)
                _seenAll = last;
            _seenIncidents = Math.Max(_seenIncidents, last);
            _looked = true;
        }
        finally
        {
            _catchingUp.Release();
        }
    }

    /// <summary>Whether an event is one this look folds and does not know yet (its data is then read).</summary>
    private bool Wants(string streamId, long version, bool includeReports)
    {
        if (streamId.StartsWith(FaultEventTypes.ReportStreamPrefix, StringComparison.Ordinal))
            return includeReports;
        if (!streamId.StartsWith(FaultEventTypes.StreamPrefix, StringComparison.Ordinal))
            return false;
        return !_incidents.TryGetValue(streamId[FaultEventTypes.StreamPrefix.Length..], out var known) || version > known.Version;
    }

    private void Apply(RecordedEvent recorded, HashSet<string> stale)
    {
        if (recorded.StreamId.StartsWith(FaultEventTypes.ReportStreamPrefix, StringComparison.Ordinal))
        {
            // A report's faults that fenced nothing: each is a whole incident, with no stream of its own and no later event.
            if (types.Deserialize(recorded) is FaultBatchRecorded report)
            {
                foreach (var fault in report.Faults)
                {
                    if (!_incidents.ContainsKey(fault.Fault.IncidentId))
                        Put(fault.Fault.IncidentId, FaultIncident.Evolve(IncidentState.Initial, fault), 0);
                }
            }
            return;
        }
        var incidentId = recorded.StreamId[FaultEventTypes.StreamPrefix.Length..];
        var (state, version) = _incidents.TryGetValue(incidentId, out var known) ? known : (IncidentState.Initial, 0L);
        if (recorded.Version <= version)
            return; // this node wrote it, or saw it already
        if (recorded.Version != version + 1 || stale.Contains(incidentId))
        {
            stale.Add(incidentId);
            return;
        }
        Put(incidentId, types.Deserialize(recorded) is IFaultEvent evt ? FaultIncident.Evolve(state, evt) : state, recorded.Version);
    }

    /// <summary>Folds the incident's stream from the store, keeps it, and returns it (a gap, or another node's append).</summary>
    public async Task<(IncidentState State, long Version)> ReloadAsync(string incidentId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT version, type, data::text FROM doctor.events WHERE stream_id = $1 ORDER BY version");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = FaultEventTypes.StreamId(incidentId) });
        var state = IncidentState.Initial;
        long version = 0;
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            version = reader.GetInt64(0);
            var recorded = new RecordedEvent(0, Guid.Empty, FaultEventTypes.StreamId(incidentId), version, reader.GetString(1), reader.GetString(2),
                EventMetadata.Engine("load"), default);
            if (types.Deserialize(recorded) is IFaultEvent evt)
                state = FaultIncident.Evolve(state, evt);
        }
        Put(incidentId, state, version);
        return (state, version);
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
