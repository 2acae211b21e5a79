using Doctor.Workflows.Engine;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Maintenance.Activities;
using Doctor.Workflows.Maintenance.Audiences;
using Doctor.Workflows.Maintenance.Engine;
using Doctor.Workflows.Maintenance.Guards;
using Doctor.Workflows.Maintenance.HostActions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Quartz;

namespace Doctor.Workflows.Maintenance;

public static class MaintenanceServiceCollectionExtensions
{
    /// <summary>The maintenance engine: sessions, workflow catalog, activities, guards, audiences, host plug-ins and Quartz deadlines.</summary>
    public static IServiceCollection AddMaintenanceEngine(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MaintenanceOptions>().Bind(configuration.GetSection(MaintenanceOptions.Section)).ValidateDataAnnotations()
            .Validate(o => string.IsNullOrWhiteSpace(o.PublicBaseUrl)
                    || Uri.TryCreate(o.PublicBaseUrl.Trim(), UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps),
                $"{MaintenanceOptions.Section}:PublicBaseUrl: must be an absolute http or https URL (or empty: the first address the service listens on)")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        // Empty: the host resolves it from the address it listens on once the server has started.
        services.TryAddSingleton(new PublicBaseUrl(configuration[$"{MaintenanceOptions.Section}:PublicBaseUrl"]));
        services.AddSingleton<MaintenanceSessions>();
        services.AddSingleton<SessionList>();
        services.AddHostedService<SessionListBackfill>();
        services.TryAddSingleton<IMaintenanceSubscriptions, AlarmSubscriptions>();
        services.AddSingleton<WorkflowCatalog>();
        services.TryAddSingleton<Constraints.ConstraintStore>();
        services.AddSingleton<MaintenanceEngine>();
        services.AddSingleton<SessionDeadlines>();
        services.AddSingleton<SessionLeases>();

        services.AddSingleton<IMaintenanceActivity, ChooseHostToEmpty>();
        services.AddSingleton<IMaintenanceActivity, ChooseNextHost>();
        services.AddSingleton<IMaintenanceActivity, MoveInstancesAsAnswered>();
        services.AddSingleton<IMaintenanceActivity, MaintainEmptyHosts>();
        services.AddSingleton<IWorkflowGuard, EmptyHostExists>();
        services.AddSingleton<IWorkflowGuard, AllHostsMaintained>();
        services.AddSingleton<IMaintenanceAudience, SessionProjects>();
        services.AddSingleton<IMaintenanceAudience, ProjectsOnChosenHost>();
        services.AddSingleton<IHostActionPlugin, DummyHostAction>();
        services.AddSingleton<IHostActionPlugin, HttpHostAction>();
        services.AddHttpClient(HttpHostAction.ClientName).ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler { AllowAutoRedirect = false });

        // Quartz keeps schedulers in a process-wide repository by name: a name per host keeps two hosts in one process
        // (tests, benchmarks) from sharing one scheduler and each other's jobs.
        services.AddQuartz(new System.Collections.Specialized.NameValueCollection { ["quartz.scheduler.instanceName"] = $"doctor-deadlines-{Guid.NewGuid():N}" });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = false);
        services.AddTransient<SessionDeadlineJob>();
        services.AddHostedService<MaintenanceEngineHost>();
        return services;
    }

    /// <summary>Registers the maintenance event names; call once on the registry at start.</summary>
    public static EventTypeRegistry AddMaintenanceEvents(this EventTypeRegistry registry)
    {
        MaintenanceEventTypes.Register(registry);
        return registry;
    }
}
