using Doctor.AdminApi.Hosting;
using Doctor.Workflows.Infrastructure.Postgres;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Doctor.AdminApi.Database;

public static class DatabaseServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="DoctorDatabase"/>, a singleton <see cref="NpgsqlDataSource"/> on it, the
    /// start-up that brings it up and runs <see cref="ISchemaMigrator"/> (the event store's numbered migrations).
    /// </summary>
    public static IServiceCollection AddDoctorDatabase(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new EmbeddedPostgres(
            sp.GetRequiredService<IOptions<DoctorOptions>>().Value.Embedded,
            sp.GetRequiredService<ILogger<EmbeddedPostgres>>()));
        services.TryAddSingleton<DoctorDatabase>();
        services.TryAddSingleton<ISchemaMigrator, EventStoreSchemaMigrator>();
        services.TryAddSingleton(sp =>
        {
            // Blocks only if something resolves the data source before DatabaseStartup has run
            // (e.g. a hosted service taking it in its constructor): then it waits for the same start.
            var connectionString = sp.GetRequiredService<DoctorDatabase>()
                .GetConnectionStringAsync(CancellationToken.None).GetAwaiter().GetResult();
            return new NpgsqlDataSourceBuilder(connectionString)
                .UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>())
                .Build();
        });
        // First of all hosted services, whatever order features register theirs in: they start after it and stop before it.
        if (!services.Any(d => d.ImplementationType == typeof(DatabaseStartup)))
        {
            services.Insert(0, ServiceDescriptor.Singleton<IHostedService, DatabaseStartup>());
        }
        return services;
    }
}
