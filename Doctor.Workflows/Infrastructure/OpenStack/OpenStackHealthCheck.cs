using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Doctor.Workflows.Infrastructure.OpenStack;

/// <summary>
/// <c>cloud</c> on <c>/health</c>: Keystone gives a token and Nova lists its computes (how many are up), and — when
/// configured — the notification queue is bound. Degraded, not unhealthy, when not: Doctor still takes faults and
/// notifies; it cannot act in the cloud until it is back.
/// </summary>
public sealed class OpenStackHealthCheck(OpenStackCloud cloud, NovaNotificationListener listener, IOptions<OpenStackOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["auth_url"] = options.Value.AuthUrl,
            ["api_calls"] = cloud.Api.Calls,
            ["api_retries"] = cloud.Api.Retries,
            ["tokens_issued"] = cloud.Api.Keystone.TokensIssued,
        };
        var notifications = options.Value.NotificationsUrl.Length > 0;
        if (notifications)
        {
            data["notifications_connected"] = listener.Connected;
            data["notifications_received"] = listener.Received;
        }
        try
        {
            var services = (await cloud.Api.GetAsync("compute", "/os-services?binary=nova-compute", cancellationToken))["services"]?.AsArray() ?? [];
            data["computes"] = services.Count;
            data["computes_up"] = services.Count(s => s?["state"]?.GetValue<string>() == "up");
        }
        catch (OpenStackApiException e)
        {
            return HealthCheckResult.Degraded($"OpenStack unreachable: {e.Message}", data: data);
        }
        return notifications && !listener.Connected
            ? HealthCheckResult.Degraded("Nova's notifications are not being received (the map follows the cloud by re-snapshot only)", data: data)
            : HealthCheckResult.Healthy("Keystone and Nova answer", data);
    }
}
