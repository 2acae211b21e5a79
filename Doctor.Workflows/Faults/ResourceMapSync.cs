using System.Threading.Channels;
using Doctor.Workflows.Infrastructure;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Doctor.Workflows.Faults;

/// <summary>
/// Keeps the <see cref="ResourceMap"/> current: a full load at start, every instance change as the driver raises it,
/// a host re-list when a host changes, and a periodic re-snapshot that corrects (and counts) whatever the feed missed.
/// Every host listing is also the cloud's view that reconciliation compares the hosts' states with (<see cref="HostsListed"/>).
/// </summary>
public sealed class ResourceMapSync(ResourceMap map, IInfrastructure infrastructure, IOptions<FaultOptions> options, TimeProvider clock,
    ILogger<ResourceMapSync> logger)
    : IHostedService
{
    /// <summary>Raised after every host listing, with when it was taken (just before the driver was asked).</summary>
    public event Action<IReadOnlyList<ComputeHost>, DateTimeOffset>? HostsListed;

    private static readonly TimeSpan StartRetry = TimeSpan.FromSeconds(5);

    private readonly Channel<InfrastructureChange> _hostChanges = Channel.CreateUnbounded<InfrastructureChange>(new UnboundedChannelOptions { SingleReader = true });
    // Never disposed: a host may stop its services after disposing them (a failed test host does), and a token source
    // without timers holds nothing to release.
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;
    private Task? _periodic;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        infrastructure.Changed += OnChanged;
        try
        {
            await SnapshotAsync(countDrift: false, cancellationToken);
        }
        catch (InfrastructureActionFailedException e)
        {
            // A real cloud may be unreachable when Doctor starts: start anyway (faults are still taken and recorded) and
            // keep trying; the change feed's full re-snapshot fills the map once the cloud answers.
            logger.LogError("Resource map: the cloud did not answer at start ({Reason}); trying again every {Interval} s", e.Message, StartRetry.TotalSeconds);
            _ = Task.Run(() => RetrySnapshotAsync(_stopping.Token), CancellationToken.None);
        }
        _loop = Task.Run(() => RefreshHostsAsync(_stopping.Token), CancellationToken.None);
        _periodic = Task.Run(() => ResnapshotAsync(_stopping.Token), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        infrastructure.Changed -= OnChanged;
        await _stopping.CancelAsync();
        _hostChanges.Writer.TryComplete();
        foreach (var task in new[] { _loop, _periodic })
        {
            if (task is not null)
                await task.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Compares the map with the driver's full listing now; returns the drift corrected.</summary>
    public async Task<int> SnapshotAsync(bool countDrift, CancellationToken ct)
    {
        var observedAt = clock.GetUtcNow();
        var hosts = await infrastructure.ListHostsAsync(ct);
        var instances = await infrastructure.ListInstancesAsync(null, null, ct);
        var drift = map.Replace(hosts, instances, countDrift);
        if (drift > 0)
            logger.LogWarning("Resource map: {Drift} instance(s) corrected by the re-snapshot", drift);
        HostsListed?.Invoke(hosts, observedAt);
        return drift;
    }

    private async Task RetrySnapshotAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(StartRetry, ct);
                await SnapshotAsync(countDrift: false, ct);
                logger.LogInformation("Resource map: loaded from the cloud");
                return;
            }
            catch (InfrastructureActionFailedException e)
            {
                logger.LogWarning("Resource map: the cloud still does not answer ({Reason})", e.Message);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void OnChanged(InfrastructureChange change)
    {
        // Instance changes carry host and owner: applied at once, on the driver's thread, so the next fault sees them.
        map.Apply(change);
        if (change.Kind is InfrastructureChange.HostUpdated or InfrastructureChange.TopologyReplaced)
            _hostChanges.Writer.TryWrite(change);
    }

    private async Task RefreshHostsAsync(CancellationToken ct)
    {
        try
        {
            while (await _hostChanges.Reader.WaitToReadAsync(ct))
            {
                var full = false;
                while (_hostChanges.Reader.TryRead(out var change))
                    full |= change.Kind == InfrastructureChange.TopologyReplaced;
                try
                {
                    if (full)
                    {
                        await SnapshotAsync(countDrift: false, ct);
                    }
                    else
                    {
                        var observedAt = clock.GetUtcNow();
                        var hosts = await infrastructure.ListHostsAsync(ct);
                        map.UpdateHosts(hosts);
                        HostsListed?.Invoke(hosts, observedAt);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Resource map: host refresh failed; the next re-snapshot corrects it");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ResnapshotAsync(CancellationToken ct)
    {
        try
        {
            using var timer = new PeriodicTimer(options.Value.ResnapshotInterval);
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    await SnapshotAsync(countDrift: true, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Resource map: re-snapshot failed");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
