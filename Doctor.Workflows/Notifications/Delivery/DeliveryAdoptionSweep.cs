using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Doctor.Workflows.Notifications.Delivery;

/// <summary>
/// Every <see cref="NotifierOptions.AdoptInterval"/>, on every node: adopts and sends the pending deliveries of nodes
/// that died (<see cref="DeliveryRecovery.AdoptAsync"/>). Without it, a delivery recorded by a node that is killed and
/// never restarted would wait forever.
/// </summary>
public sealed class DeliveryAdoptionSweep(DeliveryRecovery recovery, IOptions<NotifierOptions> options, ILogger<DeliveryAdoptionSweep> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.AdoptInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, stoppingToken);
                await recovery.AdoptAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
            catch (ObjectDisposedException) when (stoppingToken.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "notifier: adoption round failed; trying again in {Interval}", interval);
            }
        }
    }
}
