using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Doctor.Workflows.Notifications.Alarms;

/// <summary>Event alarms in PostgreSQL (<c>doctor.alarms</c>, see <see cref="AlarmSchema"/>).</summary>
public sealed class AlarmRepository(NpgsqlDataSource dataSource, ILogger<AlarmRepository> logger)
{
    private const string Columns = "id, project_id, body, state, previous_state, state_reason, fired_by, state_changed_at, created_at";

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

    public async Task CreateAsync(EventAlarm alarm, CancellationToken ct = default)
    {
        // The history row in the same statement: an alarm never exists without its creation entry.
        await using var command = Command($$"""
            WITH created AS (INSERT INTO doctor.alarms ({{Columns}}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id, body, created_at)
            INSERT INTO doctor.alarm_history (event_id, alarm_id, type, detail, timestamp)
            SELECT gen_random_uuid(), id, 'creation', body::text, created_at FROM created
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = alarm.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)alarm.ProjectId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(AlarmDocument.Of(alarm)), NpgsqlDbType = NpgsqlDbType.Jsonb });
        AddStatus(command, alarm.Status);
        command.Parameters.Add(new NpgsqlParameter { Value = alarm.CreatedAt });
        await command.ExecuteNonQueryAsync(ct);
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

    /// <summary>False when there was no such alarm.</summary>
    public async Task<bool> DeleteAsync(Guid id, CancellationToken ct = default)
    {
        await using var command = Command("DELETE FROM doctor.alarms WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>
    /// Stores the alarms' new states, each with its 'state transition' history entry (Aodh's detail: <c>{"state": "&lt;new state&gt;"}</c>), in one statement; returns the ids that were updated
    /// (an alarm deleted meanwhile is not).
    /// </summary>
    public async Task<IReadOnlySet<Guid>> UpdateStatusesAsync(IReadOnlyDictionary<Guid, AlarmStatus> statuses, CancellationToken ct = default)
    {
        var updated = new HashSet<Guid>();
        if (statuses.Count == 0)
            return updated;
        await using var command = Command("""
            WITH moves AS (
                SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
                    AS m(id, state, previous_state, state_reason, fired_by, state_changed_at)),
            updated AS (
                UPDATE doctor.alarms AS a SET state = m.state, previous_state = m.previous_state, state_reason = m.state_reason,
                    fired_by = m.fired_by, state_changed_at = m.state_changed_at
                FROM moves AS m WHERE a.id = m.id
                RETURNING a.id, a.state, a.state_changed_at),
            history AS (
                INSERT INTO doctor.alarm_history (event_id, alarm_id, type, detail, timestamp)
                SELECT gen_random_uuid(), id, 'state transition', json_build_object('state', state)::text, state_changed_at FROM updated)
            SELECT id FROM updated
            """);
        var moves = statuses.ToList();
        command.Parameters.Add(new NpgsqlParameter { Value = moves.Select(m => m.Key).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = moves.Select(m => m.Value.State).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = moves.Select(m => m.Value.Previous).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = moves.Select(m => m.Value.Reason).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = moves.Select(m => m.Value.FiredBy).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = moves.Select(m => m.Value.ChangedAt).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            updated.Add(reader.GetGuid(0));
        return updated;
    }

    /// <summary>The alarm's creation and state transitions, oldest first.</summary>
    public async Task<IReadOnlyList<AlarmHistoryEntry>> ListHistoryAsync(Guid alarmId, CancellationToken ct = default)
    {
        await using var command = Command(
            "SELECT event_id, type, detail, timestamp FROM doctor.alarm_history WHERE alarm_id = $1 ORDER BY timestamp, event_id");
        command.Parameters.Add(new NpgsqlParameter { Value = alarmId });
        var entries = new List<AlarmHistoryEntry>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            entries.Add(new AlarmHistoryEntry(reader.GetGuid(0), alarmId, reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3)));
        return entries;
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
            var alarm = document?.ToAlarm(id, reader.IsDBNull(1) ? null : reader.GetString(1), status, reader.GetFieldValue<DateTimeOffset>(8));
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

        public EventAlarm? ToAlarm(Guid id, string? projectId, AlarmStatus status, DateTimeOffset createdAt)
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
