using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Doctor.Workflows.EventStore;

/// <summary>Brings the schema up to date when the host starts, before the feed runner (registered after it) begins.</summary>
internal sealed class EventStoreSchemaMigration(NpgsqlDataSource dataSource, IOptions<EventStoreOptions> options, ILogger<EventStoreSchemaMigration> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.MigrateOnStart)
        {
            return;
        }
        var applied = await EventStoreSchema.MigrateAsync(dataSource, cancellationToken);
        if (applied.Count > 0)
        {
            logger.LogInformation("event store: applied schema migrations {Versions}", string.Join(", ", applied));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
