using Doctor.Workflows.Notifications.Delivery;
using Microsoft.Extensions.Hosting;

namespace Doctor.Workflows.Notifications.Alarms;

/// <summary>
/// Before the service takes traffic: loads the alarm and subscription directories (the tables come with the schema
/// migrations) and queues again the deliveries a previous process left pending, so they go out without waiting for a new event.
/// </summary>
public sealed class AlarmStartup(NotificationRouter router, DeliveryRecovery recovery) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await router.EnsureLoadedAsync(cancellationToken);
        await recovery.EnsureRecoveredAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
