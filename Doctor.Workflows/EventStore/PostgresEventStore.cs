using System.Data;
using Npgsql;
using NpgsqlTypes;

namespace Doctor.Workflows.EventStore;

/// <summary>
/// The event store on PostgreSQL (DESIGN.md §4). Every append is one statement — one round trip, one
/// transaction — running <c>doctor.append_events</c>, which takes the global append lock, checks command ids and
/// expected versions, writes, and notifies <c>doctor_events</c> on commit.
/// </summary>
public sealed class PostgresEventStore(NpgsqlDataSource dataSource) : IEventStore
{
    /// <summary>The channel a notification with the last written seq goes to when an append commits.</summary>
    public const string NotificationChannel = "doctor_events";

    private const string AppendSql =
        "SELECT part_stream_id, outcome, stream_version, first_seq, last_seq, actual_version " +
        "FROM doctor.append_events($1, $2, $3, $4, $5, $6, $7, $8, $9)";

    private const string EventColumns =
        "seq, id, stream_id, version, type, data, metadata->>'correlation_id', metadata->>'causation_id', " +
        "metadata->>'actor', metadata->>'command_id', recorded_at";

    private const string ReadAllSql = $"SELECT {EventColumns} FROM doctor.events WHERE seq > $1 ORDER BY seq LIMIT $2";

    private const string ReadStreamSql =
        $"SELECT {EventColumns} FROM doctor.events WHERE stream_id = $1 AND version >= $2 ORDER BY version LIMIT $3";

    private readonly NpgsqlDataSource _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));

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

    public async Task<IReadOnlyList<AppendResult>> AppendManyAsync(IReadOnlyList<StreamAppend> appends, CancellationToken ct = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        return await AppendManyAsync(connection, appends, ct);
    }

    /// <summary>
    /// Appends inside the transaction open on <paramref name="connection"/> (or as its own when none is), so a caller
    /// can commit events together with rows of its own. Until that transaction ends every other append waits on the
    /// global append lock: keep it short.
    /// </summary>
    public async Task<IReadOnlyList<AppendResult>> AppendManyAsync(NpgsqlConnection connection, IReadOnlyList<StreamAppend> appends, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand(AppendSql, connection);
        AddAppendParameters(command, appends);
        await command.PrepareAsync(ct);
        return await ExecuteAppendAsync(command, appends, ct);
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
        return await ReadEventsAsync(command, Math.Min(maxCount, 4096), ct);
    }

    public async Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(long afterSeq, int limit, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterSeq);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(ReadAllSql, connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterSeq });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = limit });
        return await ReadEventsAsync(command, Math.Min(limit, 4096), ct);
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

    private static void AddAppendParameters(NpgsqlCommand command, IReadOnlyList<StreamAppend> appends)
    {
        Validate(appends);
        var eventCount = appends.Sum(a => a.Events.Count);
        var streamIds = new string[appends.Count];
        var streamTypes = new string[appends.Count];
        var expected = new long[appends.Count];
        var metadata = new string[appends.Count];
        var commandIds = new string?[appends.Count];
        var counts = new int[appends.Count];
        var eventIds = new Guid[eventCount];
        var eventTypes = new string[eventCount];
        var eventData = new string[eventCount];

        var e = 0;
        for (var i = 0; i < appends.Count; i++)
        {
            var append = appends[i];
            streamIds[i] = append.StreamId;
            streamTypes[i] = append.StreamType;
            expected[i] = append.Expected.Value;
            metadata[i] = EventMetadataJson.Write(append.Metadata);
            commandIds[i] = append.Metadata.CommandId;
            counts[i] = append.Events.Count;
            foreach (var evt in append.Events)
            {
                eventIds[e] = evt.Id ?? Guid.CreateVersion7();
                eventTypes[e] = evt.Type;
                eventData[e] = evt.Data;
                e++;
            }
        }

        var parameters = command.Parameters;
        parameters.Add(new NpgsqlParameter<string[]> { TypedValue = streamIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        parameters.Add(new NpgsqlParameter<string[]> { TypedValue = streamTypes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        parameters.Add(new NpgsqlParameter<long[]> { TypedValue = expected, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        parameters.Add(new NpgsqlParameter<string[]> { TypedValue = metadata, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = commandIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        parameters.Add(new NpgsqlParameter<int[]> { TypedValue = counts, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = eventIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        parameters.Add(new NpgsqlParameter<string[]> { TypedValue = eventTypes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        parameters.Add(new NpgsqlParameter<string[]> { TypedValue = eventData, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
    }

    private static void Validate(IReadOnlyList<StreamAppend> appends)
    {
        ArgumentNullException.ThrowIfNull(appends);
        if (appends.Count == 0)
        {
            throw new ArgumentException("an append needs at least one stream", nameof(appends));
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var append in appends)
        {
            if (append is null)
            {
                throw new ArgumentException("appends: an entry is null", nameof(appends));
            }
            if (string.IsNullOrWhiteSpace(append.StreamId))
            {
                throw new ArgumentException("stream id: must not be empty", nameof(appends));
            }
            if (!seen.Add(append.StreamId))
            {
                throw new ArgumentException($"stream '{append.StreamId}': appears twice in one append; merge its events", nameof(appends));
            }
            if (string.IsNullOrWhiteSpace(append.StreamType))
            {
                throw new ArgumentException($"stream '{append.StreamId}': stream type must not be empty", nameof(appends));
            }
            if (append.Events is null || append.Events.Count == 0)
            {
                throw new ArgumentException($"stream '{append.StreamId}': an append needs at least one event", nameof(appends));
            }
            if (append.Metadata is null)
            {
                throw new ArgumentException($"stream '{append.StreamId}': metadata is required", nameof(appends));
            }
            if (append.Metadata.CorrelationId is null || string.IsNullOrWhiteSpace(append.Metadata.Actor))
            {
                throw new ArgumentException($"stream '{append.StreamId}': metadata needs a correlation id and an actor", nameof(appends));
            }
            foreach (var evt in append.Events)
            {
                if (evt is null || string.IsNullOrWhiteSpace(evt.Type) || evt.Data is null)
                {
                    throw new ArgumentException($"stream '{append.StreamId}': every event needs a type and a JSON body", nameof(appends));
                }
            }
        }
    }

    private static async Task<IReadOnlyList<AppendResult>> ExecuteAppendAsync(NpgsqlCommand command, IReadOnlyList<StreamAppend> appends, CancellationToken ct)
    {
        var rows = new List<(string Outcome, long? Version, long? FirstSeq, long? LastSeq, long? Actual)>(appends.Count);
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                rows.Add((reader.GetString(1), NullableInt64(reader, 2), NullableInt64(reader, 3), NullableInt64(reader, 4), NullableInt64(reader, 5)));
            }
        }
        if (rows.Count != appends.Count)
        {
            throw new InvalidOperationException($"doctor.append_events answered {rows.Count} rows for {appends.Count} streams");
        }

        var conflict = rows.FindIndex(r => r.Outcome == "conflict");
        if (conflict >= 0)
        {
            throw new WrongExpectedVersionException(appends[conflict].StreamId, appends[conflict].Expected, rows[conflict].Actual);
        }
        return rows.Select((r, i) => new AppendResult(appends[i].StreamId, r.Version!.Value, r.FirstSeq!.Value, r.LastSeq!.Value, Duplicate: r.Outcome == "duplicate")).ToArray();
    }

    private static long? NullableInt64(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    private static async Task<IReadOnlyList<RecordedEvent>> ReadEventsAsync(NpgsqlCommand command, int capacity, CancellationToken ct)
    {
        await command.PrepareAsync(ct);
        var events = new List<RecordedEvent>(capacity);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
        while (await reader.ReadAsync(ct))
        {
            var seq = reader.GetInt64(0);
            var id = reader.GetGuid(1);
            var streamId = reader.GetString(2);
            var version = reader.GetInt64(3);
            var type = reader.GetString(4);
            var data = reader.GetString(5);
            var correlationId = reader.IsDBNull(6) ? "" : reader.GetString(6);
            var causationId = reader.IsDBNull(7) ? null : reader.GetString(7);
            var actor = reader.IsDBNull(8) ? "" : reader.GetString(8);
            var commandId = reader.IsDBNull(9) ? null : reader.GetString(9);
            var recordedAt = reader.GetFieldValue<DateTimeOffset>(10);
            events.Add(new RecordedEvent(seq, id, streamId, version, type, data,
                new EventMetadata(correlationId, causationId, actor, commandId), recordedAt));
        }
        return events;
    }
}
