using Doctor.Workflows.EventStore;
using Npgsql;

namespace Doctor.AdminApi.Database;

/// <summary>The service's schema is the event store's: its numbered migrations, applied once, under an advisory lock.</summary>
internal sealed class EventStoreSchemaMigrator(NpgsqlDataSource dataSource, ILogger<EventStoreSchemaMigrator> logger) : ISchemaMigrator
{
    public async Task MigrateAsync(CancellationToken ct)
    {
        var applied = await EventStoreSchema.MigrateAsync(dataSource, ct);
        if (applied.Count > 0)
            logger.LogInformation("Schema migrations applied: {Versions}", string.Join(", ", applied));
    }
}
