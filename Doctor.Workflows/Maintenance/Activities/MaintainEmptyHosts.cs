using Doctor.Domain.Hosts;
using Doctor.Domain.Maintenance;
using Doctor.Workflows.Maintenance.HostActions;

namespace Doctor.Workflows.Maintenance.Activities;

/// <summary>
/// START_MAINTENANCE: for each empty host not yet maintained — compute disabled, IN_MAINTENANCE, the session's
/// plug-ins (pre, host, post), MAINTENANCE_COMPLETE, compute enabled again so maintained hosts take instances.
/// Each step is recorded before or after it is applied so that a re-run after a crash neither repeats nor skips one.
/// </summary>
public sealed class MaintainEmptyHosts(IEnumerable<IHostActionPlugin> plugins) : IMaintenanceActivity
{
    private static readonly string[] Phases = ["pre", "host", "post"];
    private readonly Dictionary<string, IHostActionPlugin> _plugins = plugins.ToDictionary(p => p.Name, StringComparer.Ordinal);

    public string Name => "maintainEmptyHosts";

    public async Task<string?> RunAsync(ActivityContext context, CancellationToken ct)
    {
        // A crash after a host left maintenance but before its compute was enabled again: enable it now, or the host
        // stays out of service and the next rounds find no room to move instances to.
        foreach (var host in context.State.MaintainedHosts.Where(context.State.DisabledComputes.Contains).ToList())
        {
            await context.Infrastructure.SetComputeEnabledAsync(host, true, null, ct);
            await context.ExecuteAsync((_, now) => new EnableCompute(host, now), ct);
        }
        // A crash after the last host left maintenance but before the activity was recorded done: the work is done.
        var maintainedAny = context.State.HostMaintainedInRound == context.State.Round;
        // A host already in maintenance (a crash mid-way) is finished first.
        if (context.State.HostInMaintenance is { } resumed)
        {
            var failure = await MaintainAsync(context, resumed, ct);
            if (failure is not null)
                return failure;
            maintainedAny = true;
        }
        var instances = await context.Infrastructure.ListInstancesAsync(ct: ct);
        var occupied = instances.Select(i => i.Host).ToHashSet(StringComparer.Ordinal);
        foreach (var host in context.State.Hosts.Where(h => !context.State.MaintainedHosts.Contains(h) && !occupied.Contains(h)).ToList())
        {
            if (!context.StillRunning)
                return null;
            var failure = await MaintainAsync(context, host, ct);
            if (failure is not null)
                return failure;
            maintainedAny = true;
        }
        return maintainedAny || !context.StillRunning ? null : "no empty host to maintain";
    }

    private async Task<string?> MaintainAsync(ActivityContext context, string host, CancellationToken ct)
    {
        await context.ExecuteAsync((_, now) => new DisableCompute(host, now), ct);
        await context.Infrastructure.SetComputeEnabledAsync(host, false, $"maintenance session {context.SessionId}", ct);
        await context.ExecuteAsync((_, now) => new EnterHostMaintenance(host, now), ct);
        if (!context.StillRunning)
            return null;
        await context.Hosts.HoldForMaintenanceAsync(host, context.SessionId, ct);
        await context.Infrastructure.SetHostStateAsync(host, HostStates.Maintenance, ct);

        foreach (var phase in Phases)
        {
            foreach (var action in context.State.Actions.Where(a => a.Type == phase))
            {
                if (!context.StillRunning)
                    return null;
                if (context.State.HostActionsDone.Contains(SessionState.HostActionKey(host, action.Plugin, action.Type)))
                    continue;
                string? failure;
                if (!_plugins.TryGetValue(action.Plugin, out var plugin))
                    failure = $"unknown plug-in {action.Plugin}";
                else
                {
                    try
                    {
                        failure = await plugin.RunAsync(new HostActionRequest(context.SessionId, host, phase, action.Plugin, action.MetadataJson), ct);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        failure = e.Message;
                    }
                }
                await context.ExecuteAsync((_, now) => new RecordHostAction(host, action.Plugin, phase, failure, now), ct);
                if (failure is not null)
                    return $"{phase} action {action.Plugin} failed on {host}: {failure}";
            }
        }

        await context.Infrastructure.SetHostStateAsync(host, HostStates.Normal, ct);
        await context.Hosts.ReleaseFromMaintenanceAsync(host, context.SessionId, ct);
        await context.ExecuteAsync((_, now) => new LeaveHostMaintenance(host, now), ct);
        await context.Infrastructure.SetComputeEnabledAsync(host, true, null, ct);
        await context.ExecuteAsync((_, now) => new EnableCompute(host, now), ct);
        return null;
    }
}
