using Doctor.Tests.Infrastructure;
using Doctor.Workflows.EventStore;
using Npgsql;

namespace Doctor.Tests.EventStore;

/// <summary>A fresh database with the event store schema, shared by the tests of one class (they use distinct stream ids).</summary>
public sealed class EventStoreDatabase : IAsyncLifetime
{
    private TestDatabase? _database;

    public NpgsqlDataSource DataSource => Database.DataSource;
    public TestDatabase Database => _database ?? throw new InvalidOperationException("not initialised");
    public PostgresEventStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        await EventStoreSchema.MigrateAsync(_database.DataSource);
        Store = new PostgresEventStore(_database.DataSource);
    }

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    /// <summary>Takes the store's global append lock in a transaction of its own; appends wait until it is disposed.</summary>
    public async Task<IAsyncDisposable> HoldAppendLockAsync()
    {
        var connection = await DataSource.OpenConnectionAsync();
        var tx = await connection.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({AdvisoryLockKeys.Append})", connection))
        {
            await command.ExecuteNonQueryAsync();
        }
        return new HeldLock(connection, tx);
    }

    /// <summary>Returns once some append is waiting for the global append lock.</summary>
    public async Task WaitForBlockedAppendAsync(CancellationToken ct = default)
    {
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(ct);
        patience.CancelAfter(TimeSpan.FromSeconds(20));
        // A one-bigint advisory key shows in pg_locks as classid = high 32 bits, objid = low 32 bits, objsubid = 1.
        while (await ScalarAsync(
                   "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objsubid = 1 " +
                   "AND classid::bigint = $1 AND objid::bigint = $2 " +
                   "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
                   AdvisoryLockKeys.Append >> 32, AdvisoryLockKeys.Append & 0xFFFF_FFFF) == 0)
        {
            await Task.Delay(10, patience.Token);
        }
    }

    private sealed class HeldLock(NpgsqlConnection connection, NpgsqlTransaction tx) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await tx.CommitAsync();
            await tx.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    public async Task<long> ScalarAsync(string sql, params object[] args)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var arg in args)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = arg });
        }
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
