namespace Doctor.AdminApi.Database;

/// <summary>
/// Placeholder until the event store's schema migration (EventStoreSchema.MigrateAsync) is wired in:
/// it migrates nothing. Registered with TryAdd, so registering a real <see cref="ISchemaMigrator"/> replaces it.
/// </summary>
internal sealed class PendingSchemaMigrator(ILogger<PendingSchemaMigrator> logger) : ISchemaMigrator
{
    public Task MigrateAsync(CancellationToken ct)
    {
        logger.LogWarning("No schema migrator registered: the database schema was not checked");
        return Task.CompletedTask;
    }
}
