using Doctor.Domain.Maintenance;
using Doctor.Workflows.Constraints;
using Doctor.Workflows.Infrastructure;

namespace Doctor.Workflows.Maintenance.Activities;

/// <summary>
/// Empties the chosen host as each project answered: MIGRATE / LIVE_MIGRATE done by the engine, one instance at a time
/// (so two members of an anti-affinity group are never away together), OWN_ACTION left to the project and awaited.
/// A project not asked (policy <c>proceed</c>) has its instances migrated. INSTANCE_ACTION_DONE follows each move.
/// A member of an anti-affinity group never lands on a host another member runs on.
/// A move's outcome is recorded in the same append as the request for the next move (one durable commit per instance
/// instead of two); a crash in between is finished by the first loop of the next run, as any interrupted move.
/// </summary>
public sealed class MoveInstancesAsAnswered(ConstraintStore constraints) : IMaintenanceActivity
{
    private static readonly TimeSpan OwnActionPoll = TimeSpan.FromMilliseconds(200);

    public string Name => "moveInstancesAsAnswered";

    public async Task<string?> RunAsync(ActivityContext context, CancellationToken ct)
    {
        var host = context.State.ChosenHost;
        if (host is null)
            return "no host was chosen to empty";
        var window = context.State.CurrentWindow;

        // Finish what a crash interrupted: a requested move whose instance has left the host is done.
        foreach (var pending in context.State.InstanceActions.Values.Where(a => a.Status == InstanceActionStatus.Requested))
        {
            // A migration the crash cut off is still under way in the cloud: let it finish (a cold one confirmed) rather than
            // ask for a second migration of an instance that is moving (refused, and the session fails).
            // A project's own action is the project's to finish.
            var now = pending.Action == "OWN_ACTION"
                ? await context.Infrastructure.GetInstanceAsync(pending.InstanceId, ct)
                : await context.Infrastructure.FinishMoveAsync(pending.InstanceId, context.Options.OwnActionTimeout, ct);
            if (now is null || now.Host != pending.FromHost)
                await context.ExecuteAsync((_, t) => new RecordInstanceActionDone(pending.InstanceId, now?.Host, t), ct);
        }

        var groups = await AntiAffinityGroupsAsync(context, ct);
        var ownActions = new List<ServerInstance>();
        Func<DateTimeOffset, MaintenanceCommand>? settled = null; // the last move's outcome, not recorded yet
        async Task RecordSettledAsync()
        {
            if (settled is { } outcome)
                await context.ExecuteAsync((_, t) => outcome(t), ct);
            settled = null;
        }

        foreach (var instance in (await context.Infrastructure.ListInstancesAsync(host, ct: ct)).OrderBy(i => i.Id, StringComparer.Ordinal))
        {
            if (!context.StillRunning)
                return null;
            var audience = window?.Projects.GetValueOrDefault(instance.ProjectId);
            string action;
            if (audience is null || !audience.InstanceIds.Contains(instance.Id))
            {
                await RecordSettledAsync();
                return $"instance {instance.Id} of project {instance.ProjectId} appeared on {host} after its projects were asked";
            }
            if (!audience.Interactive)
                action = "MIGRATE";
            else if (window!.Replies.TryGetValue(instance.ProjectId, out var reply) && reply.InstanceActions.TryGetValue(instance.Id, out var answered))
                action = answered;
            else
            {
                await RecordSettledAsync();
                return $"project {instance.ProjectId} gave no action for instance {instance.Id}";
            }

            if (action == "OWN_ACTION")
            {
                ownActions.Add(instance);
                continue;
            }
            var (outcome, failure) = await MoveAsync(context, instance, action, await PeerHostsAsync(context, groups, instance, ct), settled, ct);
            settled = outcome;
            if (failure is not null)
                return failure;
        }
        await RecordSettledAsync();

        foreach (var instance in ownActions)
        {
            var failure = await AwaitOwnActionAsync(context, instance, ct);
            if (failure is not null)
                return failure;
        }

        var left = await context.Infrastructure.ListInstancesAsync(host, ct: ct);
        return left.Count == 0 || !context.StillRunning ? null : $"host {host} still has instances: {string.Join(", ", left.Select(i => i.Id))}";
    }

    /// <summary>The groups of the constraint API, and the cloud's own (Nova server groups) for instances the API does not group.</summary>
    private async Task<IReadOnlyDictionary<string, string>> AntiAffinityGroupsAsync(ActivityContext context, CancellationToken ct)
    {
        var groups = new Dictionary<string, string>(await constraints.AntiAffinityGroupsAsync(ct), StringComparer.Ordinal);
        foreach (var (instance, group) in await context.Infrastructure.AntiAffinityGroupsAsync(ct))
            groups.TryAdd(instance, "cloud:" + group);
        return groups;
    }

    /// <summary>The hosts the other members of the instance's anti-affinity group run on now.</summary>
    private static async Task<IReadOnlyCollection<string>> PeerHostsAsync(ActivityContext context, IReadOnlyDictionary<string, string> groups, ServerInstance instance, CancellationToken ct)
    {
        if (!groups.TryGetValue(instance.Id, out var group))
            return [];
        var peers = groups.Where(g => g.Value == group && g.Key != instance.Id).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        return (await context.Infrastructure.ListInstancesAsync(ct: ct)).Where(i => peers.Contains(i.Id)).Select(i => i.Host).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Records <paramref name="settled"/> (the previous move's outcome) with the request, moves the instance, and returns
    /// the outcome to record next — or, on failure, records it at once and returns why.
    /// </summary>
    private static async Task<(Func<DateTimeOffset, MaintenanceCommand>? Settled, string? Failure)> MoveAsync(
        ActivityContext context, ServerInstance instance, string action, IReadOnlyCollection<string> avoidHosts,
        Func<DateTimeOffset, MaintenanceCommand>? settled, CancellationToken ct)
    {
        await context.ExecuteAllAsync((_, t) => settled is null
            ? [new RequestInstanceAction(instance.Id, instance.ProjectId, action, instance.Host, t)]
            : [settled(t), new RequestInstanceAction(instance.Id, instance.ProjectId, action, instance.Host, t)], ct);
        if (!context.StillRunning)
            return (null, null);
        try
        {
            var moved = await context.Infrastructure.MigrateAsync(instance.Id, live: action == "LIVE_MIGRATE", avoidHosts, ct);
            return (t => new RecordInstanceActionDone(instance.Id, moved.Host, t), null);
        }
        catch (InfrastructureActionFailedException e)
        {
            await context.ExecuteAsync((_, t) => new RecordInstanceActionFailed(instance.Id, e.Reason, t), ct);
            return (null, $"{action} of instance {instance.Id} failed: {e.Reason}");
        }
    }

    private static async Task<string?> AwaitOwnActionAsync(ActivityContext context, ServerInstance instance, CancellationToken ct)
    {
        await context.ExecuteAsync((_, t) => new RequestInstanceAction(instance.Id, instance.ProjectId, "OWN_ACTION", instance.Host, t), ct);
        var deadline = DateTimeOffset.UtcNow + context.Options.OwnActionTimeout;
        while (context.StillRunning)
        {
            var now = await context.Infrastructure.GetInstanceAsync(instance.Id, ct);
            if (now is null || now.Host != instance.Host)
            {
                await context.ExecuteAsync((_, t) => new RecordInstanceActionDone(instance.Id, now?.Host, t), ct);
                return null;
            }
            if (DateTimeOffset.UtcNow > deadline)
            {
                await context.ExecuteAsync((_, t) => new RecordInstanceActionFailed(instance.Id, "not moved by its project in time", t), ct);
                return $"OWN_ACTION of instance {instance.Id}: project {instance.ProjectId} did not move it within {context.Options.OwnActionTimeout}";
            }
            await Task.Delay(OwnActionPoll, ct);
        }
        return null;
    }
}
