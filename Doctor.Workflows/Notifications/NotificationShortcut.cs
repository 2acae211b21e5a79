using Doctor.Workflows.EventStore;
using Doctor.Workflows.Notifications.Delivery;
using Microsoft.Extensions.Logging;

namespace Doctor.Workflows.Notifications;

/// <summary>
/// The fast lane (DESIGN.md §7/§8): the fault path hands its appended notifications here right after the append; they
/// are routed and queued at once, and their rows are written in parallel with the first POSTs instead of before them.
/// The feed reaches the same notifications later and skips those whose rows the fast lane wrote
/// (<see cref="FastLaneHandoffs"/>); on another node, or if the rows were not written, it routes them again, computes
/// the same delivery ids, and sends nothing twice: its insert finds the rows already there, or the dispatcher refuses
/// an id it holds. If the process dies before the rows are written, the feed (whose checkpoint is behind) records and
/// sends them after the restart, with the same event ids.
/// </summary>
public sealed class NotificationShortcut(
    NotificationRouter router, DeliveryStore store, DeliveryRecovery recovery, WebhookDispatcher dispatcher, FastLaneHandoffs handoffs,
    ILogger<NotificationShortcut> logger)
    : INotificationShortcut
{
    public ValueTask DeliverNowAsync(IReadOnlyList<RecordedEvent> appended, CancellationToken ct)
    {
        var notifications = new List<AppendedNotification>();
        foreach (var recorded in appended)
        {
            foreach (var notification in OutboxNotifications.Read(recorded, logger))
                notifications.Add(new AppendedNotification(notification, recorded.Seq));
        }
        return DeliverNowAsync(notifications, ct);
    }

    public async ValueTask DeliverNowAsync(IReadOnlyList<AppendedNotification> appended, CancellationToken ct)
    {
        if (appended.Count == 0)
            return;
        await recovery.EnsureRecoveredAsync(ct);
        await router.EnsureLoadedAsync(ct);
        // Claimable by the feed from now on: it waits for the rows rather than routing these a second time.
        var written = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        // The caller hands over whole outbox events: every notification of each position is here.
        handoffs.Add(appended.Select(a => a.Seq).Distinct(), written.Task);
        IReadOnlyList<WebhookDelivery> deliveries;
        try
        {
            // Queued as soon as routed (or as soon as the alarms they move are stored): the first webhooks leave while
            // the rest are still being routed, and the rows are written after the burst (a delivery's outcome is stored
            // only once its row is).
            deliveries = await router.RouteAsync(appended, delivery => dispatcher.Enqueue(delivery with { Recorded = written.Task }), ct);
        }
        catch
        {
            written.SetResult(false); // the feed routes them all; what was queued keeps its derived ids
            throw;
        }
        if (deliveries.Count == 0)
            written.SetResult(true);
        else
            _ = RecordAsync(deliveries, written);
    }

    public IDisposable Reserve(IEnumerable<long> seqs) => handoffs.Reserve(seqs);

    /// <summary>The longest the rows of a hand-over wait for its burst of webhooks to go out first.</summary>
    public static readonly TimeSpan RecordAfterBurstAtMost = TimeSpan.FromMilliseconds(100);

    private async Task RecordAsync(IReadOnlyList<WebhookDelivery> deliveries, TaskCompletionSource<bool> written)
    {
        try
        {
            // Written once the burst has gone out (at most RecordAfterBurstAtMost later), not beside it: a hundred rows
            // with their bodies cost the database more CPU than the hundred POSTs themselves, and on a small machine
            // that is CPU the webhooks wait for. Nothing can be lost meanwhile: the notifications are durable in the
            // outbox, and the feed's checkpoint does not pass them before these rows are written (FastLaneHandoffs).
            await Task.WhenAny(dispatcher.WhenIdleAsync(), Task.Delay(RecordAfterBurstAtMost));
            // Not the caller's token: the rows must be written even if the request that appended has gone.
            await store.RecordAsync(deliveries, CancellationToken.None);
            written.SetResult(true);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "fast lane: recording {Count} deliveries failed; the feed records them", deliveries.Count);
            written.SetResult(false);
        }
    }
}
