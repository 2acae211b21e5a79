using Doctor.Workflows.EventStore;
using Doctor.Workflows.Notifications.Delivery;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Doctor.Workflows.Notifications.Alarms;

public static class AodhAlarmsServiceCollectionExtensions
{
    /// <summary>
    /// Aodh-compatible event alarms: repository, directory, the <c>alarm-notifier</c> feed handler (also registered as
    /// <see cref="IEventFeedHandler"/>), webhook delivery (<see cref="WebhookDeliveryServiceCollectionExtensions.AddWebhookDelivery"/>)
    /// and a hosted service that creates the table and loads the alarms at start.
    /// Needs an <see cref="Npgsql.NpgsqlDataSource"/> registered by the host.
    /// </summary>
    public static IServiceCollection AddAodhAlarms(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddWebhookDelivery(configuration);
        services.TryAddSingleton<AlarmRepository>();
        services.TryAddSingleton<AlarmDirectory>();
        if (services.Any(s => s.ServiceType == typeof(AlarmNotifier)))
            return services;
        services.AddSingleton<AlarmNotifier>();
        services.AddSingleton<IEventFeedHandler>(sp => sp.GetRequiredService<AlarmNotifier>());
        services.AddHostedService<AlarmStartup>();
        return services;
    }
}
