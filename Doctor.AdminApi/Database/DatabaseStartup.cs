namespace Doctor.AdminApi.Database;

/// <summary>
/// Registered as the first hosted service: brings the database up and migrates its schema before
/// any other part starts, and (being stopped last) stops an embedded cluster after all of them.
/// </summary>
internal sealed class DatabaseStartup(DoctorDatabase database, ISchemaMigrator migrator, ILogger<DatabaseStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var connectionString = await database.GetConnectionStringAsync(cancellationToken);
        var target = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        logger.LogInformation("Database: {Kind} server {Host}:{Port}, database {Database}",
            database.IsEmbedded ? "embedded" : "configured", target.Host, target.Port, target.Database);
        await migrator.MigrateAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => database.StopAsync(cancellationToken);
}
