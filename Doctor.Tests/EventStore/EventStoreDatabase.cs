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
