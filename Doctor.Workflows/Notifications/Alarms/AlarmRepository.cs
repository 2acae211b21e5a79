using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Doctor.Workflows.Notifications.Alarms;

/// <summary>Event alarms in PostgreSQL (<c>doctor.alarms</c>, see <see cref="AlarmSchema"/>).</summary>
public sealed class AlarmRepository(NpgsqlDataSource dataSource, ILogger<AlarmRepository> logger)
{
    private const string Columns = "id, project_id, body, state, previous_state, state_reason, fired_by, state_changed_at, created_at, updated_at";

    /// <summary>The start-up warm-up's connection (<see cref="On"/>): every statement runs on it, in its open transaction.</summary>
    private NpgsqlConnection? Bound { get; init; }

    /// <summary>
    /// This repository's statements on <paramref name="connection"/>, inside the transaction open on it: the warm-up runs
    /// them for real and rolls that transaction back. One statement at a time, as a connection allows.
    /// </summary>
    internal AlarmRepository On(NpgsqlConnection connection) => new(dataSource, logger) { Bound = connection };

    private NpgsqlCommand Command(string sql) => Bound is { } connection ? new NpgsqlCommand(sql, connection) : dataSource.CreateCommand(sql);

    /// <summary>Now, at the precision PostgreSQL keeps (microseconds), so what is returned equals what is read back later.</summary>
    public static DateTimeOffset Timestamp(TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        return now.AddTicks(-(now.UtcTicks % 10));
    }

    /// <summary>Creates the alarm; its creation entry names the alarm's own user and project as the author.</summary>
    public Task CreateAsync(EventAlarm alarm, CancellationToken ct = default) => CreateAsync(alarm, new AlarmAuthor(alarm.UserId, alarm.ProjectId), ct);

    public async Task CreateAsync(EventAlarm alarm, AlarmAuthor author, CancellationToken ct = default)
    {
        // The history row in the same statement: an alarm never exists without its creation entry.
        await using var command = Command($$"""
            WITH created AS (INSERT INTO doctor.alarms ({{Columns}}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL) RETURNING id, project_id, body, created_at)
            INSERT INTO doctor.alarm_history (event_id, alarm_id, type, detail, timestamp, user_id, project_id, on_behalf_of, severity)
            SELECT gen_random_uuid(), id, 'creation', body::text, created_at, $10, $11, project_id, body->>'severity' FROM created
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = alarm.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)alarm.ProjectId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(AlarmDocument.Of(alarm)), NpgsqlDbType = NpgsqlDbType.Jsonb });
        AddStatus(command, alarm.Status);
        command.Parameters.Add(new NpgsqlParameter { Value = alarm.CreatedAt });
        command.Parameters.Add(Text(author.UserId));
        command.Parameters.Add(Text(author.ProjectId));
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Replaces the alarm's definition (Aodh's PUT) and, when <paramref name="statusChanged"/>, its state too — otherwise
    /// the state columns are left to the notifier, which may be moving them meanwhile. <paramref name="change"/>, when
    /// given, is written in the same statement. False when the alarm no longer exists.
    /// </summary>
    public async Task<bool> UpdateAsync(EventAlarm alarm, bool statusChanged, AlarmHistoryEntry? change, CancellationToken ct = default)
    {
        await using var command = Command("""
            WITH updated AS (
                UPDATE doctor.alarms SET project_id = $2, body = $3, updated_at = $9,
                    state = CASE WHEN $10 THEN $4 ELSE state END,
                    previous_state = CASE WHEN $10 THEN $5 ELSE previous_state END,
                    state_reason = CASE WHEN $10 THEN $6 ELSE state_reason END,
                    fired_by = CASE WHEN $10 THEN $7 ELSE fired_by END,
                    state_changed_at = CASE WHEN $10 THEN $8 ELSE state_changed_at END
                WHERE id = $1 RETURNING id),
            history AS (
                INSERT INTO doctor.alarm_history (event_id, alarm_id, type, detail, timestamp, user_id, project_id, on_behalf_of, severity)
                SELECT $11, id, $12, $13, $14, $15, $16, $17, $18 FROM updated WHERE $12::text IS NOT NULL)
            SELECT count(*) FROM updated
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = alarm.Id });
        command.Parameters.Add(Text(alarm.ProjectId));
        command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(AlarmDocument.Of(alarm)), NpgsqlDbType = NpgsqlDbType.Jsonb });
        AddStatus(command, alarm.Status);
        command.Parameters.Add(new NpgsqlParameter { Value = alarm.Timestamp });
        command.Parameters.Add(new NpgsqlParameter { Value = statusChanged });
        AddChange(command, change);
        return (long)(await command.ExecuteScalarAsync(ct))! == 1;
    }

    /// <summary>Sets the alarm's state (Aodh's <c>PUT /v2/alarms/{id}/state</c>) with its history entry. False when the alarm no longer exists.</summary>
    public async Task<bool> SetStatusAsync(Guid id, AlarmStatus status, AlarmHistoryEntry change, CancellationToken ct = default)
    {
        await using var command = Command("""
            WITH updated AS (
                UPDATE doctor.alarms SET state = $2, previous_state = $3, state_reason = $4, fired_by = $5, state_changed_at = $6
                WHERE id = $1 RETURNING id),
            history AS (
                INSERT INTO doctor.alarm_history (event_id, alarm_id, type, detail, timestamp, user_id, project_id, on_behalf_of, severity)
                SELECT $7, id, $8, $9, $10, $11, $12, $13, $14 FROM updated)
            SELECT count(*) FROM updated
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        AddStatus(command, status);
        AddChange(command, change);
        return (long)(await command.ExecuteScalarAsync(ct))! == 1;
    }

    public async Task<EventAlarm?> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var command = Command($"SELECT {Columns} FROM doctor.alarms WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        var alarms = await ReadAsync(command, ct);
        return alarms.Count == 0 ? null : alarms[0];
    }

    /// <summary>Every alarm, oldest first.</summary>
    public async Task<IReadOnlyList<EventAlarm>> ListAllAsync(CancellationToken ct = default)
    {
        await using var command = Command($"SELECT {Columns} FROM doctor.alarms ORDER BY created_at, id");
        return await ReadAsync(command, ct);
    }

    /// <summary>The alarms owned by <paramref name="projectId"/>, oldest first.</summary>
    public async Task<IReadOnlyList<EventAlarm>> ListByProjectAsync(string projectId, CancellationToken ct = default)
    {
        await using var command = Command($"SELECT {Columns} FROM doctor.alarms WHERE project_id = $1 ORDER BY created_at, id");
        command.Parameters.Add(new NpgsqlParameter { Value = projectId, NpgsqlDbType = NpgsqlDbType.Text });
        return await ReadAsync(command, ct);
    }

    /// <summary>Deletes the alarm and its history, as Aodh does. False when there was no such alarm.</summary>
    public async Task<bool> DeleteAsync(Guid id, CancellationToken ct = default)
    {
        await using var command = Command("""
            WITH deleted AS (DELETE FROM doctor.alarms WHERE id = $1 RETURNING id),
            history AS (DELETE FROM doctor.alarm_history WHERE alarm_id = $1)
            SELECT count(*) FROM deleted
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        return (long)(await command.ExecuteScalarAsync(ct))! == 1;
    }

    /// <summary>
    /// Stores the alarms' new states, each with its 'state transition' history entry in Aodh's evaluator's form (detail
    /// <c>{"state": ..., "transition_reason": ...}</c>, the alarm's severity, on behalf of its project, by the service),
    /// in one statement; returns the ids that were updated (an alarm deleted meanwhile is not).
    /// </summary>
    public async Task<IReadOnlySet<Guid>> UpdateStatusesAsync(IReadOnlyDictionary<Guid, AlarmStatus> statuses, CancellationToken ct = default)
    {
        var updated = new HashSet<Guid>();
        if (statuses.Count == 0)
            return updated;
        await using var command = Command("""
            WITH moves AS (
                SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[])
                    AS m(id, state, previous_state, state_reason, fired_by, state_changed_at, detail)),
            updated AS (
                UPDATE doctor.alarms AS a SET state = m.state, previous_state = m.previous_state, state_reason = m.state_reason,
                    fired_by = m.fired_by, state_changed_at = m.state_changed_at
                FROM moves AS m WHERE a.id = m.id
                RETURNING a.id, a.project_id, a.body->>'severity' AS severity, a.state_changed_at, m.detail),
            history AS (
                INSERT INTO doctor.alarm_history (event_id, alarm_id, type, detail, timestamp, on_behalf_of, severity)
                SELECT gen_random_uuid(), id, 'state transition', detail, state_changed_at, project_id, severity FROM updated)
            SELECT id FROM updated
            """);
        var moves = statuses.ToList();
        command.Parameters.Add(new NpgsqlParameter { Value = moves.Select(m => m.Key).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = moves.Select(m => m.Value.State).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = moves.Select(m => m.Value.Previous).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = moves.Select(m => m.Value.Reason).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = moves.Select(m => m.Value.FiredBy).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = moves.Select(m => m.Value.ChangedAt).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = moves.Select(m => TransitionDetail(m.Value)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            updated.Add(reader.GetGuid(0));
        return updated;
    }

    /// <summary>The detail of a state transition the service made (Aodh's evaluator): the new state and why.</summary>
    public static string TransitionDetail(AlarmStatus status) =>
        AodhJson.Dumps(new System.Text.Json.Nodes.JsonObject { ["state"] = status.State, ["transition_reason"] = status.Reason });

    /// <summary>The alarm's history, oldest first.</summary>
    public async Task<IReadOnlyList<AlarmHistoryEntry>> ListHistoryAsync(Guid alarmId, CancellationToken ct = default)
    {
        await using var command = Command($"SELECT {HistoryColumns} FROM doctor.alarm_history WHERE alarm_id = $1 ORDER BY timestamp, event_id");
        command.Parameters.Add(new NpgsqlParameter { Value = alarmId });
        return await ReadHistoryAsync(command, ct);
    }

    /// <summary>
    /// History entries of every alarm that meet <paramref name="filter"/> (Aodh's complex query on alarm history),
    /// in <paramref name="order"/> (newest first when empty), at most <paramref name="limit"/>; the filter runs in the database.
    /// </summary>
    public async Task<IReadOnlyList<AlarmHistoryEntry>> QueryHistoryAsync(
        Queries.AlarmFilter? filter, IReadOnlyList<Queries.SortKey> order, int? limit, CancellationToken ct = default)
    {
        await using var command = Command("");
        var sql = new StringBuilder($"SELECT {HistoryColumns} FROM doctor.alarm_history");
        if (filter is not null)
            sql.Append(" WHERE ").Append(Queries.HistorySql.Where(filter, command.Parameters));
        sql.Append(" ORDER BY ").Append(Queries.HistorySql.OrderBy(order));
        if (limit is { } max)
            sql.Append(" LIMIT ").Append(max.ToString(System.Globalization.CultureInfo.InvariantCulture));
        command.CommandText = sql.ToString();
        try
        {
            return await ReadHistoryAsync(command, ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidRegularExpression)
        {
            throw new Queries.AlarmFilterException($"Filter expression not valid: {e.MessageText}");
        }
    }

    private const string HistoryColumns = "event_id, alarm_id, type, detail, timestamp, user_id, project_id, on_behalf_of, severity";

    private static async Task<IReadOnlyList<AlarmHistoryEntry>> ReadHistoryAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var entries = new List<AlarmHistoryEntry>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            entries.Add(new AlarmHistoryEntry(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4),
                OrNull(reader, 5), OrNull(reader, 6), OrNull(reader, 7), OrNull(reader, 8)));
        }
        return entries;
    }

    private static string? OrNull(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    /// <summary>event_id, type, detail, timestamp, user_id, project_id, on_behalf_of, severity of <paramref name="change"/> (all null when none).</summary>
    private static void AddChange(NpgsqlCommand command, AlarmHistoryEntry? change)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)change?.EventId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(Text(change?.Type));
        command.Parameters.Add(Text(change?.Detail));
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)change?.Timestamp ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(Text(change?.UserId));
        command.Parameters.Add(Text(change?.ProjectId));
        command.Parameters.Add(Text(change?.OnBehalfOf));
        command.Parameters.Add(Text(change?.Severity));
    }

    private static void AddStatus(NpgsqlCommand command, AlarmStatus status)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = status.State, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)status.Previous ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)status.Reason ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)status.FiredBy ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = status.ChangedAt });
    }

    private async Task<IReadOnlyList<EventAlarm>> ReadAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var alarms = new List<EventAlarm>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetGuid(0);
            var document = JsonSerializer.Deserialize<AlarmDocument>(reader.GetString(2));
            var status = new AlarmStatus(
                reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(7),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(6) ? null : reader.GetString(6));
            var updatedAt = reader.IsDBNull(9) ? (DateTimeOffset?)null : reader.GetFieldValue<DateTimeOffset>(9);
            var alarm = document?.ToAlarm(id, reader.IsDBNull(1) ? null : reader.GetString(1), status, reader.GetFieldValue<DateTimeOffset>(8), updatedAt);
            if (alarm is null)
            {
                // One unreadable row must not take every other alarm down with it.
                logger.LogError("alarm {AlarmId}: stored definition is not a valid event alarm; it is skipped", id);
                continue;
            }
            alarms.Add(alarm);
        }
        return alarms;
    }

    /// <summary>The jsonb definition: Aodh's own field names, so the row reads like the alarm the client posted.</summary>
    private sealed record AlarmDocument(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("type")] string Type,
        [property: JsonPropertyName("event_rule")] RuleDocument EventRule,
        [property: JsonPropertyName("alarm_actions")] IReadOnlyList<string> AlarmActions,
        [property: JsonPropertyName("ok_actions")] IReadOnlyList<string>? OkActions,
        [property: JsonPropertyName("insufficient_data_actions")] IReadOnlyList<string>? InsufficientDataActions,
        [property: JsonPropertyName("repeat_actions")] bool RepeatActions,
        [property: JsonPropertyName("severity")] string Severity,
        [property: JsonPropertyName("enabled")] bool Enabled,
        [property: JsonPropertyName("description")] string Description,
        [property: JsonPropertyName("user_id")] string? UserId)
    {
        public static AlarmDocument Of(EventAlarm alarm) => new(
            alarm.Name,
            "event",
            new RuleDocument(alarm.EventType.Text, [.. alarm.Query.Select(q => new QueryDocument(q.Field, QueryOperators.Name(q.Op), q.Value, q.Type))]),
            [.. alarm.AlarmActions.Select(u => u.OriginalString)],
            [.. alarm.OkActions.Select(u => u.OriginalString)],
            [.. alarm.InsufficientDataActions.Select(u => u.OriginalString)],
            alarm.RepeatActions,
            alarm.Severity,
            alarm.Enabled,
            alarm.Description,
            alarm.UserId);

        public EventAlarm? ToAlarm(Guid id, string? projectId, AlarmStatus status, DateTimeOffset createdAt, DateTimeOffset? updatedAt)
        {
            if (EventRule is null || !EventTypePattern.TryParse(EventRule.EventType, out var pattern))
                return null;
            var query = new List<AlarmQuery>();
            foreach (var q in EventRule.Query ?? [])
            {
                if (!QueryOperators.TryParse(q.Op, out var op) || AlarmQuery.TryCreate(q.Field, op, q.Value, q.Type, out _) is not { } condition)
                    return null;
                query.Add(condition);
            }
            return new EventAlarm
            {
                Id = id,
                Name = Name,
                ProjectId = projectId,
                UserId = UserId,
                EventType = pattern,
                Query = query,
                AlarmActions = [.. AlarmActions.Select(a => new Uri(a, UriKind.Absolute))],
                OkActions = [.. (OkActions ?? []).Select(a => new Uri(a, UriKind.Absolute))],
                InsufficientDataActions = [.. (InsufficientDataActions ?? []).Select(a => new Uri(a, UriKind.Absolute))],
                RepeatActions = RepeatActions,
                Severity = Severity,
                Enabled = Enabled,
                Description = Description,
                Status = status,
                CreatedAt = createdAt,
                UpdatedAt = updatedAt,
            };
        }
    }

    private sealed record RuleDocument(
        [property: JsonPropertyName("event_type")] string EventType,
        [property: JsonPropertyName("query")] IReadOnlyList<QueryDocument>? Query);

    private sealed record QueryDocument(
        [property: JsonPropertyName("field")] string Field,
        [property: JsonPropertyName("op")] string Op,
        [property: JsonPropertyName("value")] string Value,
        [property: JsonPropertyName("type")] string Type);
}
