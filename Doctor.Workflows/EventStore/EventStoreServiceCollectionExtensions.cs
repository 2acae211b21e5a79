using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Doctor.Workflows.EventStore;

public static class EventStoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IEventStore"/> (<see cref="PostgresEventStore"/>), <see cref="EventTypeRegistry"/>, and <see cref="EventFeedRunner"/> as a hosted service running every registered
    /// <see cref="IEventFeedHandler"/>. The host registers the <see cref="Npgsql.NpgsqlDataSource"/>; bind options with
    /// <c>services.Configure&lt;EventStoreOptions&gt;(configuration.GetSection(EventStoreOptions.SectionName))</c>.
    /// </summary>
    public static IServiceCollection AddDoctorEventStore(this IServiceCollection services, Action<EventStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<EventStoreOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }
        if (services.Any(d => d.ServiceType == typeof(EventFeedRunner)))
        {
            return services;
        }
        options.ValidateOnStart();
        services.AddSingleton<IValidateOptions<EventStoreOptions>, EventStoreOptionsValidation>();

        services.TryAddSingleton<EventTypeRegistry>();
        services.TryAddSingleton<PostgresEventStore>();
        services.TryAddSingleton<IEventStore>(sp => sp.GetRequiredService<PostgresEventStore>());
        services.AddSingleton<EventFeedRunner>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<EventFeedRunner>());
        return services;
    }
}
