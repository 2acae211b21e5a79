using Doctor.Workflows.Infrastructure.OpenStack;
using Doctor.Workflows.Infrastructure.Simulated;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Doctor.Workflows.Infrastructure;

public static class CloudServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="IInfrastructure"/> driver that <c>Doctor:Cloud:Driver</c> names: <c>simulated</c> (the
    /// default) or <c>openstack</c>. Any other value fails at once, naming the setting.
    /// </summary>
    public static IServiceCollection AddCloudDriver(this IServiceCollection services, IConfiguration configuration)
    {
        var driver = DriverOf(configuration);
        return driver switch
        {
            CloudOptions.SimulatedDriver => services.AddSimulatedCloud(configuration),
            CloudOptions.OpenStackDriver => services.AddOpenStackCloud(configuration),
            _ => throw new InvalidOperationException(
                $"{CloudOptions.Section}:Driver: must be {CloudOptions.SimulatedDriver} or {CloudOptions.OpenStackDriver}, got '{driver}'"),
        };
    }

    /// <summary>The configured driver, lower-cased; <c>simulated</c> when unset.</summary>
    public static string DriverOf(IConfiguration configuration) =>
        configuration[$"{CloudOptions.Section}:Driver"] is { Length: > 0 } value ? value.Trim().ToLowerInvariant() : CloudOptions.SimulatedDriver;
}
