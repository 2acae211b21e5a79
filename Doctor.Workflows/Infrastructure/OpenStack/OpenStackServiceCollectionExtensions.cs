using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Doctor.Workflows.Infrastructure.OpenStack;

public static class OpenStackServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="OpenStackCloud"/> as the <see cref="IInfrastructure"/> driver, with <see cref="OpenStackOptions"/>
    /// bound from <c>Doctor:Cloud:OpenStack</c> and validated at start, and — when <c>NotificationsUrl</c> is set — the
    /// <see cref="NovaNotificationListener"/> that keeps the resource map current from Nova's notifications.
    /// </summary>
    public static IServiceCollection AddOpenStackCloud(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OpenStackOptions>().Bind(configuration.GetSection(OpenStackOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OpenStackOptions>, OpenStackOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<OpenStackOptions>>().Value;
            var handler = new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                AutomaticDecompression = DecompressionMethods.All,
                ConnectTimeout = TimeSpan.FromSeconds(10),
            };
            if (!options.VerifyTls)
                handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
            // Timeouts are per call (OpenStackOptions.RequestTimeout), not the client's.
            var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
            var keystone = new KeystoneSession(http, options, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<KeystoneSession>>());
            var api = new OpenStackHttp(http, keystone, options, sp.GetRequiredService<ILogger<OpenStackHttp>>());
            return new OpenStackCloud(api, options, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<OpenStackCloud>>());
        });
        services.AddSingleton<IInfrastructure>(sp => sp.GetRequiredService<OpenStackCloud>());
        services.AddSingleton<NovaNotificationListener>(sp => new NovaNotificationListener(sp.GetRequiredService<OpenStackCloud>(),
            sp.GetRequiredService<IOptions<OpenStackOptions>>().Value, sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            sp.GetRequiredService<ILogger<NovaNotificationListener>>()));
        services.AddHealthChecks().AddCheck<OpenStackHealthCheck>("cloud", Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded);
        if (configuration[$"{OpenStackOptions.Section}:NotificationsUrl"] is { Length: > 0 })
            services.AddHostedService(sp => sp.GetRequiredService<NovaNotificationListener>());
        return services;
    }
}
