using System.Data;
using System.Runtime.CompilerServices;
using Npgsql;

namespace Doctor.Workflows.EventStore;

/// <summary>
/// The event store on PostgreSQL (DESIGN.md §4). Every append is one statement — one round trip, one
/// transaction — running <c>doctor.append_events</c>, which takes the global append lock, checks command ids and
/// expected versions, writes, and notifies <c>doctor_events</c> on commit. Appends that arrive while another is
/// committing are sent together in the next statement.
/// </summary>
public sealed class PostgresEventStore : IEventStore
{
    /// <summary>The channel a notification with the last written seq goes to when an append commits.</summary>
    public const string NotificationChannel = "doctor_events";

    // Column order is what ReadEvent reads. Metadata fields are extracted by the server: cheaper than parsing JSON here.
    private const string EventColumns =
        "seq, id, version, type, data, metadata->>'correlation_id', metadata->>'causation_id', " +
        "metadata->>'actor', metadata->>'command_id', recorded_at";

    private const string ReadAllSql = $"SELECT {EventColumns}, stream_id FROM doctor.events WHERE seq > $1 ORDER BY seq LIMIT $2";

    // The stream id is known: not sent back for every row of a long stream.
    private const string ReadStreamSql =
        $"SELECT {EventColumns} FROM doctor.events WHERE stream_id = $1 AND version >= $2 ORDER BY version LIMIT $3";

    private readonly NpgsqlDataSource _dataSource;
    private readonly AppendQueue _appends;

    public PostgresEventStore(NpgsqlDataSource dataSource)
        : this(dataSource, rehearsal: null)
    {
    }

    private PostgresEventStore(NpgsqlDataSource dataSource, AppendRehearsal? rehearsal)
    {
        _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
        Rehearsal = rehearsal;
        _appends = new AppendQueue(dataSource, rehearsal);
    }

    /// <summary>
    /// The start-up warm-up's store: appends take the very path of real ones (a queue of its own, the statement, the
    /// server's function and its lock), in transactions that are rolled back (<see cref="AppendRehearsal"/>). Reads are
    /// real reads of the store.
    /// </summary>
    internal static PostgresEventStore RollingBack(NpgsqlDataSource dataSource) => new(dataSource, new AppendRehearsal());

    /// <summary>How a rolling-back store appends; null for a real one.</summary>
    internal AppendRehearsal? Rehearsal { get; }

    public async Task<AppendResult> AppendAsync(
        string streamId, string streamType, ExpectedVersion expected, IReadOnlyList<EventToAppend> events, EventMetadata metadata, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            throw new ArgumentException($"stream '{streamId}': an append needs at least one event", nameof(events));
        }
        var results = await AppendManyAsync([new StreamAppend(streamId, streamType, expected, events, metadata)], ct);
        return results[0];
    }

    /// <remarks>
    /// Concurrent callers share commits (group commit, see <see cref="AppendQueue"/>); each keeps its own
    /// all-or-nothing outcome. Cancelling stops the wait; an append already sent may still commit.
    /// </remarks>
    public Task<IReadOnlyList<AppendResult>> AppendManyAsync(IReadOnlyList<StreamAppend> appends, CancellationToken ct = default)
    {
        AppendStatement.Validate(appends);
        return _appends.AppendAsync(appends, ct);
    }

    /// <summary>
    /// Appends inside the transaction open on <paramref name="connection"/> (or as its own when none is), so a caller
    /// can commit events together with rows of its own. Until that transaction ends every other append waits on the
    /// global append lock: keep it short.
    /// </summary>
    public async Task<IReadOnlyList<AppendResult>> AppendManyAsync(NpgsqlConnection connection, IReadOnlyList<StreamAppend> appends, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        AppendStatement.Validate(appends);
        var outcome = (await AppendStatement.ExecuteAsync(connection, [appends], ct))[0];
        return outcome.Error is { } error ? throw error : outcome.Results!;
    }

    public async Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long fromVersion = 1, int maxCount = int.MaxValue, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(streamId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(ReadStreamSql, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fromVersion });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = maxCount });
        return await ReadEventsAsync(command, streamId, Math.Min(maxCount, 4096), ct);
    }

    /// <summary>
    /// The stream's events with version ≥ <paramref name="fromVersion"/>, oldest first, handed out while they arrive,
    /// so a fold over a long stream overlaps with the read and never holds the whole list. Holds a connection until
    /// the enumeration ends.
    /// </summary>
    public async IAsyncEnumerable<RecordedEvent> EnumerateStreamAsync(string streamId, long fromVersion = 1, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(streamId);
        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(ReadStreamSql, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fromVersion });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = long.MaxValue });
        await command.PrepareAsync(ct);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
        while (await reader.ReadAsync(ct))
        {
            yield return ReadEvent(reader, streamId);
        }
    }

    /// <remarks>
    /// Every append takes the global append lock before it draws positions and keeps it until its commit is visible,
    /// so positions become visible in order: a reader that sees seq N has seen every committed seq below it, and
    /// an empty page means nothing is committed past <paramref name="afterSeq"/> yet — nothing can be skipped.
    /// </remarks>
    public async Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(long afterSeq, int limit, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterSeq);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        return await ReadAllAsync(connection, afterSeq, limit, ct);
    }

    /// <summary>The feed's read on an open connection (in its transaction, if one is open).</summary>
    internal static async Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(NpgsqlConnection connection, long afterSeq, int limit, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(ReadAllSql, connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterSeq });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = limit });
        return await ReadEventsAsync(command, null, Math.Min(limit, 4096), ct);
    }

    public async Task<long?> GetStreamVersionAsync(string streamId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(streamId);
        await using var command = _dataSource.CreateCommand("SELECT version FROM doctor.streams WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
        var version = await command.ExecuteScalarAsync(ct);
        return version is long v ? v : null;
    }

    /// <summary>The highest committed position, 0 when the store is empty.</summary>
    public async Task<long> GetHeadAsync(CancellationToken ct = default)
    {
        await using var command = _dataSource.CreateCommand("SELECT coalesce(max(seq), 0) FROM doctor.events");
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    private static async Task<IReadOnlyList<RecordedEvent>> ReadEventsAsync(NpgsqlCommand command, string? streamId, int capacity, CancellationToken ct)
    {
        await command.PrepareAsync(ct);
        var events = new List<RecordedEvent>(capacity);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
        while (await reader.ReadAsync(ct))
        {
            events.Add(ReadEvent(reader, streamId));
        }
        return events;
    }

    /// <summary>One row of <see cref="EventColumns"/>, followed by stream_id when <paramref name="streamId"/> is not known.</summary>
    private static RecordedEvent ReadEvent(NpgsqlDataReader reader, string? streamId)
    {
        var seq = reader.GetInt64(0);
        var id = reader.GetGuid(1);
        var version = reader.GetInt64(2);
        var type = reader.GetString(3);
        var data = reader.GetString(4);
        var correlationId = reader.IsDBNull(5) ? "" : reader.GetString(5);
        var causationId = reader.IsDBNull(6) ? null : reader.GetString(6);
        var actor = reader.IsDBNull(7) ? "" : reader.GetString(7);
        var commandId = reader.IsDBNull(8) ? null : reader.GetString(8);
        var recordedAt = reader.GetFieldValue<DateTimeOffset>(9);
        streamId ??= reader.GetString(10);
        return new RecordedEvent(seq, id, streamId, version, type, data, new EventMetadata(correlationId, causationId, actor, commandId), recordedAt);
    }
}
