using Npgsql;

namespace Doctor.Workflows.EventStore;

/// <summary>Reads and writes feed handler positions in <c>doctor.checkpoints</c>, and guards a handler's single runner.</summary>
internal static class FeedCheckpoints
{
    // Two-int advisory keys live apart from the one-bigint keys in AdvisoryLockKeys: 'DOCT' + hash of the handler name.
    private const int HandlerLockClass = 0x444F_4354;

    public static async Task<long> LoadAsync(NpgsqlConnection connection, string name, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT position FROM doctor.checkpoints WHERE name = $1", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        return await command.ExecuteScalarAsync(ct) is long position ? position : 0;
    }

    /// <summary>
    /// One round trip. The commit does not wait for the WAL flush: a server crash may lose the last checkpoint
    /// and redeliver its batch, which at-least-once handlers accept, and the feed is not slowed by an fsync per batch.
    /// </summary>
    public static async Task SaveAsync(NpgsqlConnection connection, string name, long position, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SELECT set_config('synchronous_commit', 'off', true)"),
                new NpgsqlBatchCommand(
                    "INSERT INTO doctor.checkpoints (name, position) VALUES ($1, $2) " +
                    "ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = now()")
                {
                    Parameters =
                    {
                        new NpgsqlParameter<string> { TypedValue = name },
                        new NpgsqlParameter<long> { TypedValue = position },
                    },
                },
            },
        };
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Takes the handler's session lock on <paramref name="connection"/> if free; true when taken.</summary>
    public static async Task<bool> TryAcquireAsync(NpgsqlConnection connection, string name, CancellationToken ct)
    {
        await using var command = HandlerLockCommand("SELECT pg_try_advisory_lock($1, hashtext($2))", connection, name);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Takes the handler's session lock on <paramref name="connection"/>, waiting while another node holds it.</summary>
    public static async Task AcquireAsync(NpgsqlConnection connection, string name, CancellationToken ct)
    {
        await using var command = HandlerLockCommand("SELECT pg_advisory_lock($1, hashtext($2))", connection, name);
        await command.ExecuteNonQueryAsync(ct);
    }

    public static async Task ReleaseAsync(NpgsqlConnection connection, string name)
    {
        await using var command = HandlerLockCommand("SELECT pg_advisory_unlock($1, hashtext($2))", connection, name);
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private static NpgsqlCommand HandlerLockCommand(string sql, NpgsqlConnection connection, string name)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = HandlerLockClass });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        return command;
    }

    public static async Task<long> ReadHeadAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT coalesce(max(seq), 0) FROM doctor.events");
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
