using Doctor.Workflows.EventStore;
using Doctor.Workflows.Notifications.Delivery;
using Microsoft.Extensions.Logging;

namespace Doctor.Workflows.Notifications;

/// <summary>
/// The fast lane (DESIGN.md §7/§8): the fault path hands its appended notifications here right after the append; they
/// are routed and queued at once, and their rows are written in parallel with the first POSTs instead of before them.
/// The feed reaches the same notifications later, computes the same delivery ids, and sends nothing twice: its insert
/// finds the rows already there, or the dispatcher refuses an id it holds. If the process dies before the rows are
/// written, the feed (whose checkpoint is behind) records and sends them after the restart, with the same event ids.
/// </summary>
public sealed class NotificationShortcut(
    NotificationRouter router, DeliveryStore store, DeliveryRecovery recovery, WebhookDispatcher dispatcher, ILogger<NotificationShortcut> logger)
    : INotificationShortcut
{
    public async ValueTask DeliverNowAsync(IReadOnlyList<RecordedEvent> appended, CancellationToken ct)
    {
        List<WebhookDelivery>? deliveries = null;
        foreach (var recorded in appended)
        {
            if (recorded.Type != NotificationEmitted.TypeName)
                continue;
            if (deliveries is null)
            {
                await recovery.EnsureRecoveredAsync(ct);
                await router.EnsureLoadedAsync(ct);
                deliveries = [];
            }
            if (NotificationRouter.Read(recorded, logger) is { } notification)
                deliveries.AddRange(await router.RouteAsync(notification, recorded.Seq, ct));
        }
        if (deliveries is not { Count: > 0 })
            return;
        var rows = RecordAsync(deliveries);
        foreach (var delivery in deliveries)
            dispatcher.Enqueue(delivery with { Recorded = rows });
    }

    private async Task RecordAsync(IReadOnlyList<WebhookDelivery> deliveries)
    {
        try
        {
            // Not the caller's token: the rows must be written even if the request that appended has gone.
            await store.RecordAsync(deliveries, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "fast lane: recording {Count} deliveries failed; the feed records them", deliveries.Count);
        }
    }
}
