using System.Threading.Channels;
using Doctor.Workflows.Infrastructure;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Doctor.Workflows.Faults;

/// <summary>
/// Hands every host listing of the resource map (at start, on a host change, at each re-snapshot) to
/// <see cref="HostReconciliation"/>, off the driver's thread and in order; while one is being reconciled only the newest
/// of those that arrive meanwhile waits (an older view of the cloud says nothing the newer does not). The first listing,
/// taken at start, ends what ended while the service was down.
/// </summary>
public sealed class HostReconciliationFollower(ResourceMapSync sync, HostReconciliation reconciliation, ILogger<HostReconciliationFollower> logger)
    : BackgroundService
{
    private readonly Channel<(IReadOnlyList<ComputeHost> Hosts, DateTimeOffset ObservedAt)> _listings =
        Channel.CreateBounded<(IReadOnlyList<ComputeHost>, DateTimeOffset)>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Subscribed before the map's first snapshot (this service is registered ahead of the sync): that listing counts.
        sync.HostsListed += OnListed;
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        sync.HostsListed -= OnListed;
        await base.StopAsync(cancellationToken);
    }

    private void OnListed(IReadOnlyList<ComputeHost> hosts, DateTimeOffset observedAt) => _listings.Writer.TryWrite((hosts, observedAt));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (hosts, observedAt) in _listings.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await reconciliation.ReconcileAsync(hosts, observedAt, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning(e, "Host reconciliation failed; the next host listing tries again");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
