using Doctor.Workflows.EventStore.Migrations;
using Npgsql;

namespace Doctor.Workflows.EventStore;

/// <summary>
/// Creates and upgrades the <c>doctor</c> schema. Idempotent, and safe when several processes start at once:
/// they queue on an advisory lock and each migration is applied once, in its own transaction.
/// </summary>
public static class EventStoreSchema
{
    public const string SchemaName = "doctor";

    /// <summary>The highest migration version this build knows.</summary>
    public static int LatestVersion => EventStoreMigrations.All[^1].Version;

    /// <summary>Applies the migrations not yet recorded in <c>doctor.schema_migrations</c>; returns the versions applied now.</summary>
    public static async Task<IReadOnlyList<int>> MigrateAsync(NpgsqlDataSource dataSource, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await ExecuteAsync(connection, $"SELECT pg_advisory_lock({AdvisoryLockKeys.Migrate})", ct);
        try
        {
            await ExecuteAsync(connection, """
                CREATE SCHEMA IF NOT EXISTS doctor;
                CREATE TABLE IF NOT EXISTS doctor.schema_migrations (
                    version    int         PRIMARY KEY,
                    name       text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                );
                """, ct);

            var applied = new HashSet<int>();
            await using (var read = new NpgsqlCommand("SELECT version FROM doctor.schema_migrations", connection))
            await using (var reader = await read.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    applied.Add(reader.GetInt32(0));
                }
            }

            var appliedNow = new List<int>();
            foreach (var migration in EventStoreMigrations.All.Where(m => !applied.Contains(m.Version)))
            {
                await using var tx = await connection.BeginTransactionAsync(ct);
                await ExecuteAsync(connection, migration.Sql, ct);
                await using (var record = new NpgsqlCommand("INSERT INTO doctor.schema_migrations (version, name) VALUES ($1, $2)", connection))
                {
                    record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = migration.Version });
                    record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migration.Name });
                    await record.ExecuteNonQueryAsync(ct);
                }
                await tx.CommitAsync(ct);
                appliedNow.Add(migration.Version);
            }
            return appliedNow;
        }
        finally
        {
            // A broken connection drops the lock with the session; a healthy one must release it before going back to the pool.
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({AdvisoryLockKeys.Migrate})", CancellationToken.None);
            }
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}
