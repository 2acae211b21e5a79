using System.Collections.Concurrent;
using Npgsql;

namespace Doctor.Workflows.EventStore;

/// <summary>
/// How the start-up warm-up's store appends (<see cref="PostgresEventStore.RollingBack"/>): the real statement, in a
/// transaction that is rolled back — nothing is committed, notified or ever read by a feed. Before the rollback the
/// events are read back as the feed reads them (<see cref="PostgresEventStore.ReadAllAsync(NpgsqlConnection, long, int, CancellationToken)"/>),
/// for the warm-up to hand to its own feed handlers.
/// <para>
/// A rolled-back stream does not exist for the next dry append to it (an incident's stages after its opening), so the
/// server does not check versions here: each part is sent as "any version", and answered with the version the stream
/// would have had. A rolled-back append may consume positions of the <c>seq</c> identity: every reader already takes
/// such gaps in its stride (feeds read <c>seq &gt; last</c>; an append that fails for any reason leaves the same gap).
/// </para>
/// </summary>
internal sealed class AppendRehearsal
{
    private readonly ConcurrentQueue<RecordedEvent> _readBack = new();
    private volatile IReadOnlyList<IReadOnlyList<StreamAppend>>? _last;

    /// <summary>Runs <paramref name="units"/> as <see cref="AppendStatement.ExecuteAsync"/> would, and rolls them back.</summary>
    public async Task<UnitOutcome[]> RunAsync(NpgsqlConnection connection, IReadOnlyList<IReadOnlyList<StreamAppend>> units, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);
        IReadOnlyList<IReadOnlyList<StreamAppend>> anyVersion = [.. units.Select(u => (IReadOnlyList<StreamAppend>)[.. u.Select(a => a with { Expected = ExpectedVersion.Any })])];
        var outcomes = await AppendStatement.ExecuteAsync(connection, anyVersion, ct);
        var written = outcomes.Where(o => o.Results is not null).SelectMany(o => o.Results!).Where(r => !r.Duplicate).ToList();
        if (written.Count > 0)
        {
            foreach (var recorded in await PostgresEventStore.ReadAllAsync(connection, written.Min(r => r.FirstSeq) - 1, written.Sum(r => (int)(r.LastSeq - r.FirstSeq + 1)), ct))
                _readBack.Enqueue(recorded);
        }
        await transaction.RollbackAsync(ct);
        _last = units;
        for (var u = 0; u < units.Count; u++)
        {
            var unit = units[u];
            if (outcomes[u].Results is { } results)
                outcomes[u] = new UnitOutcome([.. results.Select((r, k) => r with { StreamVersion = r.StreamVersion + Math.Max(0, unit[k].Expected.Value) })], null);
        }
        return outcomes;
    }

    /// <summary>The events rehearsed since the last call, as read back before their rollback.</summary>
    public IReadOnlyList<RecordedEvent> TakeReadBack()
    {
        var taken = new List<RecordedEvent>();
        while (_readBack.TryDequeue(out var recorded))
            taken.Add(recorded);
        return taken;
    }

    /// <summary>
    /// The last rehearsed append once more, on <paramref name="connection"/>: each pooled connection then has its
    /// statement prepared and the server's function compiled for its session.
    /// </summary>
    public async Task ReplayOnAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        if (_last is { } last)
            await RunAsync(connection, last, ct);
        TakeReadBack();
    }
}
