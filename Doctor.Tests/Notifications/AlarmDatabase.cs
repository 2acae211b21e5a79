using Doctor.Tests.Infrastructure;
using Doctor.Workflows.Notifications.Alarms;
using Npgsql;

namespace Doctor.Tests.Notifications;

/// <summary>One database with the alarms table per test class; <see cref="ClearAsync"/> empties it between tests.</summary>
public sealed class AlarmDatabase : IAsyncLifetime
{
    private TestDatabase? _database;

    public TestDatabase Database => _database ?? throw new InvalidOperationException("not initialised");

    public NpgsqlDataSource DataSource => Database.DataSource;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        await Doctor.Workflows.EventStore.EventStoreSchema.MigrateAsync(_database.DataSource);
    }

    public async Task ClearAsync()
    {
        await using var truncate = DataSource.CreateCommand("TRUNCATE doctor.alarms, doctor.alarm_history, doctor.webhook_deliveries, doctor.webhook_secrets, doctor.subscriptions");
        await truncate.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        if (_database is not null)
            await _database.DisposeAsync();
    }
}
