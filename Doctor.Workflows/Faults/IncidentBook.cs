using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Doctor.Domain.Faults;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Hosts;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Doctor.Workflows.Faults;

/// <summary>
/// The incidents of this node's view, folded, with their stream version (0 for a fault that fenced nothing, recorded in its report's stream —
/// <see cref="FaultBatchRecorded"/>): the fault query, the profile index and the open faults per resource
/// (<see cref="IActiveFaults"/>) read it. Built from the store on first use, kept current by this node's inspector as it
/// appends, and caught up from the store with what other nodes appended (docs/scale-out.md): every query catches up
/// first, and <see cref="IncidentBookFollower"/> folds the incident streams — what says whether a host already has an
/// open incident — on every append notification. The host streams (<c>host-{name}</c>) it meets on the way are folded into
/// the <see cref="PhysicalResourceBook"/>, after the incidents before them: the host's state names its open incident, and
/// two nodes deciding on one host in the same moment are kept apart by that stream's version.
/// <para>
/// Memory is bounded: every open incident stays, and of the others the most recent <see cref="FaultOptions.IncidentsInMemory"/>
/// (by when this node first folded them). A monitor reporting record-only faults without end would otherwise grow the
/// book without end. An older incident is still in the store: <see cref="FindAsync"/> folds its stream when asked.
/// </para>
/// </summary>
public sealed class IncidentBook(NpgsqlDataSource dataSource, EventTypeRegistry types, PhysicalResourceBook hosts, IOptions<FaultOptions> options) : IActiveFaults
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
    private readonly int _kept = options.Value.IncidentsInMemory;

    // Incident ids in the order they entered the book: the oldest that are not open leave first.
    private readonly ConcurrentQueue<string> _arrivals = new();
    private readonly Lock _evicting = new();
    private int _count;
    private long _evicted;

    // Report streams this node appended and folded itself: a catch-up passing them skips them without reading their data,
    // and so never puts back faults that have since left the book (they would push out newer ones).
    private readonly ConcurrentDictionary<string, byte> _ownReports = new(StringComparer.Ordinal);
    private const int OwnReportsAtMost = 100_000;

    // The last position folded: of incident and report streams together, and of incident streams alone (the cheaper
    // look the inspector takes on its fast path, which skips the reports of bulk ingest).
    private long _seenAll;
    private long _seenIncidents;
    private volatile bool _looked;

    /// <summary>
    /// Counts as read without reading the store: the start-up warm-up's book, which must know its dry incident only (and
    /// is not to read every incident stream a second time).
    /// </summary>
    internal IncidentBook AsLoaded()
    {
        _looked = true;
        return this;
    }

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
            // Incident streams up to here are folded already (a look at reports may start further back): an incident that
            // has left the book since must not be put back by reading its old events again.
            var incidentsFolded = _seenIncidents;
            // Host events seen on the way are folded once every incident before them is: a host state naming an incident
            // this node has not folded yet would send a repeat to an incident it cannot find.
            var hostEvents = new List<RecordedEvent>();
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
                        if (Wants(last, streamId, version, includeReports, incidentsFolded))
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
                {
                    var recorded = new RecordedEvent(seq, Guid.Empty, streamId, version, type, data[seq], EventMetadata.Engine("load"), default);
                    if (streamId.StartsWith(HostEventTypes.StreamPrefix, StringComparison.Ordinal))
                        hostEvents.Add(recorded);
                    else
                        Apply(recorded, stale);
                }
            }
            // A gap (an event missed between two looks) is mended from the stream itself.
            foreach (var incidentId in stale)
                await ReloadAsync(incidentId, ct);
            var staleHosts = new HashSet<string>(StringComparer.Ordinal);
            foreach (var recorded in hostEvents)
            {
                var host = recorded.StreamId[HostEventTypes.StreamPrefix.Length..];
                if (staleHosts.Contains(host) || !hosts.Apply(recorded))
                    staleHosts.Add(host);
            }
            foreach (var host in staleHosts)
                await hosts.ReloadAsync(host, ct);
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
    private bool Wants(long seq, string streamId, long version, bool includeReports, long incidentsFolded)
    {
        if (streamId.StartsWith(HostEventTypes.StreamPrefix, StringComparison.Ordinal))
            return version > hosts.Get(streamId[HostEventTypes.StreamPrefix.Length..]).Version;
        if (streamId.StartsWith(FaultEventTypes.ReportStreamPrefix, StringComparison.Ordinal))
            return includeReports && !_ownReports.TryRemove(streamId, out _);
        if (!streamId.StartsWith(FaultEventTypes.StreamPrefix, StringComparison.Ordinal) || seq <= incidentsFolded)
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
        var (state, version) = await FoldAsync(incidentId, ct);
        Put(incidentId, state, version);
        return (state, version);
    }

    private async Task<(IncidentState State, long Version)> FoldAsync(string incidentId, CancellationToken ct)
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
        return (state, version);
    }

    public (IncidentState State, long Version)? Get(string incidentId) =>
        _incidents.TryGetValue(incidentId, out var entry) ? entry : null;

    /// <summary>
    /// The incident from the book, or, when it has left it, folded from its stream (not kept: asking for an old incident
    /// does not bring it back). Null when neither knows it — also a fault that fenced nothing and has left the book: it
    /// has no stream of its own, only its line in its report's <c>fault.batch_recorded</c> event.
    /// </summary>
    public async Task<IncidentState?> FindAsync(string incidentId, CancellationToken ct)
    {
        if (Get(incidentId) is { } known)
            return known.State;
        var (state, version) = await FoldAsync(incidentId, ct);
        return version == 0 ? null : state;
    }

    /// <summary>
    /// Notes that this node put the faults of report stream <paramref name="streamId"/> in the book as it appended them.
    /// Noted reports wait for the next catch-up that includes reports (a fault query); if none comes for a very long
    /// ingest, the notes are dropped (all at once) and that catch-up reads those reports again: slower, and the faults it puts
    /// back may push newer ones out until they leave again.
    /// </summary>
    public void NoteOwnReport(string streamId)
    {
        if (_ownReports.Count >= OwnReportsAtMost)
            _ownReports.Clear();
        _ownReports.TryAdd(streamId, 0);
    }

    /// <summary>Incidents in the book now (every open one, and the most recent others).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Incidents that have left the book to keep it within <see cref="FaultOptions.IncidentsInMemory"/>.</summary>
    public long Evicted => Interlocked.Read(ref _evicted);

    /// <summary>The open incident fencing <paramref name="host"/>, if any.</summary>
    public string? OpenOn(string host) => _openByHost.TryGetValue(host, out var id) ? id : null;

    public IReadOnlyList<IncidentState> All() =>
        [.. _incidents.Values.Select(e => e.State).OrderBy(s => s.Fault!.At).ThenBy(s => s.IncidentId, StringComparer.Ordinal)];

    public void Put(string incidentId, IncidentState state, long version)
    {
        var added = _incidents.TryAdd(incidentId, (state, version));
        if (!added)
            _incidents.AddOrUpdate(incidentId, (state, version), (_, old) => old.Version > version ? old : (state, version));
        var host = state.Fault?.Host;
        if (host is not null)
        {
            if (state.Status == IncidentStatus.Open)
                _openByHost[host] = incidentId;
            else
                _openByHost.TryRemove(new KeyValuePair<string, string>(host, incidentId));
        }
        if (added)
        {
            _arrivals.Enqueue(incidentId);
            if (Interlocked.Increment(ref _count) > _kept)
                Evict();
        }
    }

    /// <summary>Drops the oldest incidents that are not open until the book is back within its bound.</summary>
    private void Evict()
    {
        lock (_evicting)
        {
            // One lap at most: when everything left is open, the book holds them all (open incidents are never dropped).
            for (var lap = _arrivals.Count; lap > 0 && Volatile.Read(ref _count) > _kept && _arrivals.TryDequeue(out var id); lap--)
            {
                if (!_incidents.TryGetValue(id, out var entry))
                    continue;
                if (entry.State.Status == IncidentStatus.Open)
                {
                    _arrivals.Enqueue(id);
                    continue;
                }
                if (_incidents.TryRemove(new KeyValuePair<string, (IncidentState, long)>(id, entry)))
                {
                    Interlocked.Decrement(ref _count);
                    Interlocked.Increment(ref _evicted);
                }
                else
                {
                    _arrivals.Enqueue(id); // changed meanwhile (say, reopened by a repeat): looked at again on the next lap
                }
            }
        }
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
