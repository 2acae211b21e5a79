using Doctor.Workflows.Hosts;
using Doctor.Workflows.Notifications;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Doctor.Workflows.Faults;

public static class FaultManagementServiceCollectionExtensions
{
    /// <summary>
    /// Fault management: the failure policy (validated at start), the resource map and its sync, the physical resources
    /// (hosts' states), the inspector with fencing, recovery and reconciliation, the incident book (registered as
    /// <see cref="IActiveFaults"/>), the optional ping monitor and the start-up warm-up (<see cref="WarmUp.FaultWarmUp"/>, which
    /// the host runs, with its own southbound door, before it takes traffic). Call before the seams' defaults are added.
    /// </summary>
    public static IServiceCollection AddFaultManagement(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<FaultOptions>().Bind(configuration.GetSection(FaultOptions.Section))
            .Validate(o => o.ResnapshotInterval > TimeSpan.Zero, $"{FaultOptions.Section}:ResnapshotInterval: must be greater than zero")
            .Validate(o => o.ActionParallelism is >= 1 and <= 1024, $"{FaultOptions.Section}:ActionParallelism: must be 1 to 1024")
            .Validate(o => o.IncidentsInMemory is >= 100 and <= 10_000_000, $"{FaultOptions.Section}:IncidentsInMemory: must be 100 to 10000000")
            .Validate(o => o.PingMonitor.Interval > TimeSpan.Zero, $"{FaultOptions.Section}:PingMonitor:Interval: must be greater than zero")
            .Validate(o => o.PingMonitor.Timeout > TimeSpan.Zero, $"{FaultOptions.Section}:PingMonitor:Timeout: must be greater than zero")
            .Validate(o => o.PingMonitor.Misses >= 1, $"{FaultOptions.Section}:PingMonitor:Misses: must be 1 or more")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<FailurePolicySource>();
        services.AddSingleton<ResourceMap>();
        services.AddSingleton<ResourceMapSync>();
        services.AddSingleton<FailureWindow>();
        services.AddSingleton<PhysicalResourceBook>();
        services.AddSingleton<PhysicalResources>();
        services.AddSingleton<IncidentBook>();
        services.AddSingleton<IncidentRecorder>();
        services.AddSingleton<CloudActions>();
        services.AddSingleton<HostFencing>();
        services.AddSingleton<HostRecovery>();
        services.AddSingleton<HostReconciliation>();
        services.AddSingleton<IActiveFaults>(sp => sp.GetRequiredService<IncidentBook>());
        services.AddSingleton<FaultMetrics>();
        services.AddSingleton<FaultInspector>();
        services.AddSingleton<WarmUp.FaultWarmUp>();
        // The policy is read at start so a bad file stops the service with its name and path, not the first fault.
        services.AddHostedService(sp => new PolicyCheck(sp.GetRequiredService<FailurePolicySource>(), sp.GetRequiredService<FaultMetrics>()));
        services.AddHostedService<HostReconciliationFollower>();
        services.AddHostedService(sp => sp.GetRequiredService<ResourceMapSync>());
        services.AddHostedService<PingMonitor>();
        services.AddHostedService<IncidentBookFollower>();
        return services;
    }

    private sealed class PolicyCheck(FailurePolicySource policy, FaultMetrics metrics) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = policy.Current;
            _ = metrics;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
