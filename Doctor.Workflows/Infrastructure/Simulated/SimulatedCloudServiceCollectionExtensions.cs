using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Doctor.Workflows.Infrastructure.Simulated;

public static class SimulatedCloudServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SimulatedCloud"/> as a singleton and as the <see cref="IInfrastructure"/> driver, with
    /// <see cref="SimulatedCloudOptions"/> bound from <c>Doctor:Simulated</c> (<c>Topology</c>, <c>ActionLatencyMs</c>, <c>Store</c>)
    /// and validated at start. Uses a registered <see cref="TimeProvider"/> if there is one.
    /// </summary>
    public static IServiceCollection AddSimulatedCloud(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<SimulatedCloudOptions>()
            .Bind(configuration.GetSection(SimulatedCloudOptions.Section))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SimulatedCloudOptions>, SimulatedCloudOptionsValidator>());
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SimulatedCloudOptions>>().Value;
            return options.Store == SimulatedCloudOptions.PostgresStore
                ? new SimulatedCloud(options, sp.GetRequiredService<NpgsqlDataSource>(), sp.GetService<TimeProvider>(), sp.GetService<ILogger<SimulatedCloud>>())
                : new SimulatedCloud(options, sp.GetService<TimeProvider>(), sp.GetService<ILogger<SimulatedCloud>>());
        });
        services.AddSingleton<IInfrastructure>(sp => sp.GetRequiredService<SimulatedCloud>());
        return services;
    }
}
