using Microsoft.Extensions.Logging;

namespace Doctor.Workflows.Notifications.Delivery;

/// <summary>
/// Queues, once per process, every delivery left pending by the previous one (crash, stop, dead endpoint), in feed order.
/// Everything that queues new deliveries calls <see cref="EnsureRecoveredAsync"/> first, so the recovered ones go out
/// ahead of the new ones to each endpoint.
/// </summary>
public sealed class DeliveryRecovery(DeliveryStore store, WebhookDispatcher dispatcher, ILogger<DeliveryRecovery> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _recovered;

    public async Task EnsureRecoveredAsync(CancellationToken ct)
    {
        if (_recovered)
            return;
        await _gate.WaitAsync(ct);
        try
        {
            if (_recovered)
                return;
            var pending = await store.ListPendingAsync(ct);
            foreach (var delivery in pending)
                dispatcher.Enqueue(delivery);
            if (pending.Count > 0)
                logger.LogInformation("notifier: {Count} pending webhook deliveries queued again", pending.Count);
            _recovered = true;
        }
        finally
        {
            _gate.Release();
        }
    }
}
