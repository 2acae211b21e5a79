using Doctor.Workflows;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Infrastructure.Simulated;
using Doctor.Workflows.Maintenance;
using Doctor.Workflows.Notifications.Alarms;

namespace Doctor.AdminApi.Hosting;

public static class EngineServiceCollectionExtensions
{
    /// <summary>
    /// The engine behind the API: the event store and its feed runner, the cloud driver (simulated by default),
    /// Aodh event alarms with webhook delivery, and the maintenance engine.
    /// </summary>
    public static IServiceCollection AddDoctorEngine(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(DoctorEventTypes.CreateRegistry());
        services.Configure<EventStoreOptions>(configuration.GetSection(EventStoreOptions.SectionName));
        services.AddDoctorEventStore();
        services.AddSimulatedCloud(configuration);
        services.AddAodhAlarms(configuration);
        services.AddMaintenanceEngine(configuration);
        return services;
    }
}
