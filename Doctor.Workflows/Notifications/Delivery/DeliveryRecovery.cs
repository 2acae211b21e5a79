using Microsoft.Extensions.Logging;

namespace Doctor.Workflows.Notifications.Delivery;

/// <summary>
/// Sends what dead nodes left pending: <see cref="AdoptAsync"/> makes this node the owner of the pending deliveries of
/// every node whose lease is gone — a previous life of this process included, as every process is a new node — and
/// queues them in feed order. It runs once before this node queues anything new (<see cref="EnsureRecoveredAsync"/>:
/// everything that queues calls it first, so what was recovered at start goes out ahead of what is new, to each
/// endpoint), then every <see cref="NotifierOptions.AdoptInterval"/> (<see cref="DeliveryAdoptionSweep"/>), which is how
/// a survivor sends the deliveries of a peer that died and is not restarted. Those join the end of this node's queues:
/// to an endpoint they may arrive after newer notifications this node was already sending.
/// </summary>
public sealed class DeliveryRecovery(
    DeliveryStore store, WebhookDispatcher dispatcher, NotifierNode node, NotifierCounters counters, ILogger<DeliveryRecovery> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _recovered;

    /// <summary>
    /// Counts as recovered without adopting anything: the start-up warm-up's instance, whose store and dispatcher must
    /// never take over, let alone send, a real pending delivery.
    /// </summary>
    internal DeliveryRecovery AsRecovered()
    {
        _recovered = true;
        return this;
    }

    public async Task EnsureRecoveredAsync(CancellationToken ct)
    {
        if (_recovered)
            return;
        await AdoptAsync(ct);
    }

    /// <summary>Adopts and queues the deliveries of dead nodes; returns how many. Skipped (0) while this node has no lease.</summary>
    public async Task<int> AdoptAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            // A node that has lost its own lease looks dead to its peers: what it adopted would be adopted again.
            if (!await node.EnsureLeaseAsync(ct))
            {
                logger.LogWarning("notifier node {NodeId}: lease not held, pending deliveries of dead nodes not adopted this round", await node.IdAsync(ct));
                return 0;
            }
            var adopted = await store.AdoptAsync(ct);
            var queued = 0;
            foreach (var (delivery, _) in adopted)
            {
                if (dispatcher.Enqueue(delivery))
                    queued++;
            }
            counters.CountAdopted(adopted.Count);
            foreach (var owner in adopted.GroupBy(a => a.PreviousOwner))
            {
                logger.LogInformation(
                    "notifier node {NodeId} adopted {Count} pending webhook deliveries of {Owner} (seq {FirstSeq}..{LastSeq})",
                    await node.IdAsync(ct), owner.Count(), owner.Key is { } dead ? $"dead node {dead}" : "no owner",
                    owner.Min(a => a.Delivery.Seq), owner.Max(a => a.Delivery.Seq));
            }
            if (queued < adopted.Count)
                logger.LogDebug("notifier: {Count} adopted deliveries were already queued here", adopted.Count - queued);
            _recovered = true;
            return adopted.Count;
        }
        finally
        {
            _gate.Release();
        }
    }
}
