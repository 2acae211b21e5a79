using Doctor.Domain.Maintenance;
using Npgsql;
using NpgsqlTypes;

namespace Doctor.Workflows.Maintenance;

/// <summary>
/// The list of maintenance sessions (<c>doctor.maintenance_session_list</c>), a read model kept in the same
/// transaction as each session's events (<see cref="MaintenanceSessions"/>): listing costs one query, however many
/// sessions there are and however long their streams. A row carries the stream version it was computed at and never
/// goes back to an older one, so a late writer (the start-up backfill) cannot undo a newer change.
/// </summary>
public sealed class SessionList(NpgsqlDataSource dataSource)
{
    private const string UpsertSql = """
        INSERT INTO doctor.maintenance_session_list AS l (session_id, status, state, workflow, version, created_at, changed_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT (session_id) DO UPDATE SET status = excluded.status, state = excluded.state, workflow = excluded.workflow,
            version = excluded.version, changed_at = excluded.changed_at
        WHERE l.version < excluded.version
        """;

    /// <summary>Writes <paramref name="summary"/> as of stream <paramref name="version"/>, on <paramref name="connection"/> (inside its transaction, if one is open).</summary>
    public static async Task WriteAsync(NpgsqlConnection connection, SessionSummary summary, long version, DateTimeOffset now, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(UpsertSql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = summary.SessionId, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = StatusName(summary.Status), NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = summary.State, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = summary.WorkflowId, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = version });
        command.Parameters.Add(new NpgsqlParameter { Value = summary.CreatedAt });
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task WriteAsync(SessionSummary summary, long version, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await WriteAsync(connection, summary, version, now, ct);
    }

    /// <summary>The ids of the listed sessions (<see cref="SessionSummary.IsListed"/>), oldest first.</summary>
    public async Task<IReadOnlyList<string>> ListIdsAsync(CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT session_id FROM doctor.maintenance_session_list WHERE status NOT IN ('notstarted', 'deleted') ORDER BY created_at, session_id");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var ids = new List<string>();
        while (await reader.ReadAsync(ct))
            ids.Add(reader.GetString(0));
        return ids;
    }

    /// <summary>The session streams that have no row yet (written before the list existed).</summary>
    public async Task<IReadOnlyList<string>> ListMissingAsync(CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT substr(s.id, length($2) + 1) FROM doctor.streams AS s
            WHERE s.type = $1 AND NOT EXISTS (SELECT 1 FROM doctor.maintenance_session_list AS l WHERE l.session_id = substr(s.id, length($2) + 1))
            ORDER BY s.created_at, s.id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = MaintenanceEventTypes.StreamType, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = MaintenanceEventTypes.StreamId(""), NpgsqlDbType = NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var ids = new List<string>();
        while (await reader.ReadAsync(ct))
            ids.Add(reader.GetString(0));
        return ids;
    }

    private static string StatusName(SessionStatus status) => status.ToString().ToLowerInvariant();
}
