using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Doctor.Workflows.Notifications.Targets;
using Microsoft.Extensions.Options;

namespace Doctor.Workflows.Notifications.Delivery;

public static class WebhookDeliveryServiceCollectionExtensions
{
    /// <summary>
    /// The webhook dispatcher, its options (<c>Doctor:Notifier</c>), counters, dead-letter sink, the durable delivery
    /// store, this node's delivery lease, the recovery and the sweep that adopts dead nodes' deliveries, the signing secrets and the <c>notifier</c> HTTP client. Idempotent: every feature that delivers webhooks calls it. Replace <see cref="IDeadLetterSink"/> by
    /// registering another one before this call.
    /// </summary>
    public static IServiceCollection AddWebhookDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(s => s.ServiceType == typeof(WebhookDispatcher)))
            return services;
        services.AddOptions<NotifierOptions>()
            .Bind(configuration.GetSection(NotifierOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<NotifierOptions>, NotifierOptionsValidation>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<NotifierCounters>();
        services.TryAddSingleton<IDeadLetterSink, LoggedDeadLetters>();
        services.TryAddSingleton<NotifierNode>();
        services.TryAddSingleton<DeliveryStore>();
        services.TryAddSingleton<IDeliveryLog>(sp => sp.GetRequiredService<DeliveryStore>());
        services.TryAddSingleton<WebhookSecrets>();
        services.TryAddSingleton<DeliveryRecovery>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddHostedService<DeliveryAdoptionSweep>();
        services.AddWebhookTargets(configuration);
        services.AddHttpClient(WebhookDispatcher.HttpClientName)
            // Each attempt has its own limit (Doctor:Notifier:TimeoutMs); the client's 100 s default must not cut across it.
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            // A webhook that redirects is answered, not followed: the receiver must be the URL the subscriber registered.
            // Every connection goes through the target policy (resolve, check each address, connect); see WebhookTargetPolicy.
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                ConnectCallback = sp.GetRequiredService<WebhookTargetPolicy>().ConnectAsync,
            })
            .AddHttpMessageHandler<WebhookTargetRefusals>()
            // The dispatcher logs retries and dead letters itself; a log line per POST would drown them at fault-storm volume.
            .RemoveAllLoggers();
        return services;
    }
}
