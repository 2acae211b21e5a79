using Doctor.Workflows;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Infrastructure;
using Doctor.Workflows.Maintenance;
using Doctor.Workflows.Notifications;
using Doctor.Workflows.Notifications.Alarms;
using Doctor.Workflows.Notifications.Bus;
using Doctor.Workflows.Faults;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Doctor.AdminApi.Hosting;

public static class EngineServiceCollectionExtensions
{
    /// <summary>
    /// The engine behind the API: the event store and its feed runner, the cloud driver (simulated by default),
    /// Aodh event alarms with webhook delivery, the maintenance engine, the bus (MassTransit: RabbitMQ or in-memory), and the
    /// fault path's start-up warm-up.
    /// </summary>
    public static IServiceCollection AddDoctorEngine(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(DoctorEventTypes.CreateRegistry());
        services.Configure<EventStoreOptions>(configuration.GetSection(EventStoreOptions.SectionName));
        services.AddDoctorEventStore();
        services.AddCloudDriver(configuration);
        services.AddAodhAlarms(configuration);
        services.AddSingleton<Doctor.AdminApi.Notifications.NotifierMetrics>();
        services.AddMaintenanceEngine(configuration);
        // The links sent to VNFMs follow the address the server really listens on, unless the setting names one.
        services.AddHostedService<ListenAddressLinks>();
        services.AddFaultManagement(configuration);
        services.AddDoctorBus(configuration);
        // Seams between features; each feature registers its own before these defaults.
        services.TryAddSingleton<INotificationShortcut, FeedOnlyShortcut>();
        services.TryAddSingleton<IActiveFaults, NoActiveFaults>();
        // Last of the engine's hosted services: the warm-up runs once everything it goes through has started.
        services.AddSingleton<Doctor.AdminApi.Faults.InspectorWarmUpDoor>();
        services.AddHostedService<Doctor.AdminApi.Faults.FaultWarmUpStartup>();
        return services;
    }
}
