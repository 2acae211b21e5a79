using Npgsql;
using NpgsqlTypes;

namespace Doctor.Workflows.EventStore;

/// <summary>
/// Builds and runs one call of <c>doctor.append_events</c> for one or more units (a unit is one caller's
/// all-or-nothing append), and turns its rows back into each unit's results or error.
/// </summary>
internal static class AppendStatement
{
    private const string Sql =
        "SELECT part_stream_id, outcome, stream_version, first_seq, last_seq, actual_version " +
        "FROM doctor.append_events($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

    public static void Validate(IReadOnlyList<StreamAppend> appends)
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

    /// <summary>Runs the units in one statement on <paramref name="connection"/>; a unit's conflict comes back as its error.</summary>
    public static async Task<UnitOutcome[]> ExecuteAsync(NpgsqlConnection connection, IReadOnlyList<IReadOnlyList<StreamAppend>> units, CancellationToken ct)
    {
        var parts = new List<(int Unit, StreamAppend Append)>();
        for (var u = 0; u < units.Count; u++)
        {
            parts.AddRange(units[u].Select(a => (u, a)));
        }

        await using var command = new NpgsqlCommand(Sql, connection);
        AddParameters(command, parts);
        // Prepared statements live on the physical connection; they also keep Npgsql from resetting the pooled
        // connection with DISCARD ALL, which would throw away the function's cached plans on every append.
        await command.PrepareAsync(ct);

        var rows = new List<(string Outcome, long? Version, long? FirstSeq, long? LastSeq, long? Actual)>(parts.Count);
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                rows.Add((reader.GetString(1), NullableInt64(reader, 2), NullableInt64(reader, 3), NullableInt64(reader, 4), NullableInt64(reader, 5)));
            }
        }
        if (rows.Count != parts.Count)
        {
            throw new InvalidOperationException($"doctor.append_events answered {rows.Count} rows for {parts.Count} streams");
        }

        var outcomes = new UnitOutcome[units.Count];
        var p = 0;
        for (var u = 0; u < units.Count; u++)
        {
            var unit = units[u];
            var unitRows = rows.GetRange(p, unit.Count);
            p += unit.Count;
            var conflict = unitRows.FindIndex(r => r.Outcome == "conflict");
            outcomes[u] = conflict >= 0
                ? new UnitOutcome(null, new WrongExpectedVersionException(unit[conflict].StreamId, unit[conflict].Expected, unitRows[conflict].Actual))
                : new UnitOutcome(
                    unitRows.Select((r, i) => new AppendResult(unit[i].StreamId, r.Version!.Value, r.FirstSeq!.Value, r.LastSeq!.Value, Duplicate: r.Outcome == "duplicate")).ToArray(),
                    null);
        }
        return outcomes;
    }

    private static void AddParameters(NpgsqlCommand command, List<(int Unit, StreamAppend Append)> parts)
    {
        var eventCount = parts.Sum(p => p.Append.Events.Count);
        var unitIds = new int[parts.Count];
        var streamIds = new string[parts.Count];
        var streamTypes = new string[parts.Count];
        var expected = new long[parts.Count];
        var metadata = new string[parts.Count];
        var commandIds = new string?[parts.Count];
        var counts = new int[parts.Count];
        var eventIds = new Guid[eventCount];
        var eventTypes = new string[eventCount];
        var eventData = new string[eventCount];

        var e = 0;
        for (var i = 0; i < parts.Count; i++)
        {
            var (unit, append) = parts[i];
            unitIds[i] = unit;
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
        parameters.Add(new NpgsqlParameter<int[]> { TypedValue = unitIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
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

    private static long? NullableInt64(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);
}

