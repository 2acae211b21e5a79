using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Doctor.Workflows.Notifications.Targets;

public static class WebhookTargetServiceCollectionExtensions
{
    /// <summary><see cref="WebhookTargetPolicy"/> and its options (<c>Doctor:WebhookTargets</c>), validated at start. Idempotent.</summary>
    public static IServiceCollection AddWebhookTargets(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(s => s.ServiceType == typeof(WebhookTargetPolicy)))
            return services;
        services.AddOptions<WebhookTargetOptions>().Bind(configuration.GetSection(WebhookTargetOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookTargetOptions>, WebhookTargetOptionsValidation>());
        services.AddSingleton<WebhookTargetPolicy>();
        services.AddTransient<WebhookTargetRefusals>();
        return services;
    }
}
