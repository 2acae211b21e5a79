using Doctor.Workflows.EventStore;
using Doctor.Workflows.Notifications.Delivery;
using Doctor.Workflows.Notifications.Subscriptions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Doctor.Workflows.Notifications.Alarms;

public static class AodhAlarmsServiceCollectionExtensions
{
    /// <summary>
    /// The notifier: Aodh-compatible event alarms and native northbound subscriptions (repositories, directories), the
    /// <c>alarm-notifier</c> feed handler (also registered as <see cref="IEventFeedHandler"/>), durable webhook delivery
    /// (<see cref="WebhookDeliveryServiceCollectionExtensions.AddWebhookDelivery"/>), the fast lane
    /// (<see cref="NotificationShortcut"/> as <see cref="INotificationShortcut"/>) and a hosted service that loads the
    /// directories and re-queues pending deliveries at start. Needs an <see cref="Npgsql.NpgsqlDataSource"/> registered by the host.
    /// </summary>
    public static IServiceCollection AddAodhAlarms(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddWebhookDelivery(configuration);
        services.TryAddSingleton<AlarmRepository>();
        services.TryAddSingleton<AlarmDirectory>();
        services.TryAddSingleton<SubscriptionRepository>();
        services.TryAddSingleton<SubscriptionDirectory>();
        services.TryAddSingleton<NotificationRouter>();
        if (services.Any(s => s.ServiceType == typeof(AlarmNotifier)))
            return services;
        services.AddSingleton<AlarmNotifier>();
        services.AddSingleton<IEventFeedHandler>(sp => sp.GetRequiredService<AlarmNotifier>());
        services.AddSingleton<FastLaneHandoffs>();
        services.AddSingleton<NotificationShortcut>();
        services.AddSingleton<INotificationShortcut>(sp => sp.GetRequiredService<NotificationShortcut>());
        services.AddHostedService<AlarmStartup>();
        return services;
    }
}
