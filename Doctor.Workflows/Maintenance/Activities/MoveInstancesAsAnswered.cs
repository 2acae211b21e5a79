using Doctor.Domain.Maintenance;
using Doctor.Workflows.Constraints;
using Doctor.Workflows.Infrastructure;

namespace Doctor.Workflows.Maintenance.Activities;

/// <summary>
/// Empties the chosen host as each project answered: MIGRATE / LIVE_MIGRATE done by the engine, one instance at a time
/// (so two members of an anti-affinity group are never away together), OWN_ACTION left to the project and awaited.
/// A project not asked (policy <c>proceed</c>) has its instances migrated. INSTANCE_ACTION_DONE follows each move.
/// A member of an anti-affinity group never lands on a host another member runs on.
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
            var now = await context.Infrastructure.GetInstanceAsync(pending.InstanceId, ct);
            if (now is null || now.Host != pending.FromHost)
                await context.ExecuteAsync((_, t) => new RecordInstanceActionDone(pending.InstanceId, now?.Host, t), ct);
        }

        var groups = await constraints.AntiAffinityGroupsAsync(ct);
        var ownActions = new List<ServerInstance>();
        foreach (var instance in (await context.Infrastructure.ListInstancesAsync(host, ct: ct)).OrderBy(i => i.Id, StringComparer.Ordinal))
        {
            if (!context.StillRunning)
                return null;
            var audience = window?.Projects.GetValueOrDefault(instance.ProjectId);
            string action;
            if (audience is null || !audience.InstanceIds.Contains(instance.Id))
                return $"instance {instance.Id} of project {instance.ProjectId} appeared on {host} after its projects were asked";
            if (!audience.Interactive)
                action = "MIGRATE";
            else if (window!.Replies.TryGetValue(instance.ProjectId, out var reply) && reply.InstanceActions.TryGetValue(instance.Id, out var answered))
                action = answered;
            else
                return $"project {instance.ProjectId} gave no action for instance {instance.Id}";

            if (action == "OWN_ACTION")
            {
                ownActions.Add(instance);
                continue;
            }
            var failure = await MoveAsync(context, instance, action, await PeerHostsAsync(context, groups, instance, ct), ct);
            if (failure is not null)
                return failure;
        }

        foreach (var instance in ownActions)
        {
            var failure = await AwaitOwnActionAsync(context, instance, ct);
            if (failure is not null)
                return failure;
        }

        var left = await context.Infrastructure.ListInstancesAsync(host, ct: ct);
        return left.Count == 0 || !context.StillRunning ? null : $"host {host} still has instances: {string.Join(", ", left.Select(i => i.Id))}";
    }

    /// <summary>The hosts the other members of the instance's anti-affinity group run on now.</summary>
    private static async Task<IReadOnlyCollection<string>> PeerHostsAsync(ActivityContext context, IReadOnlyDictionary<string, string> groups, ServerInstance instance, CancellationToken ct)
    {
        if (!groups.TryGetValue(instance.Id, out var group))
            return [];
        var peers = groups.Where(g => g.Value == group && g.Key != instance.Id).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        return (await context.Infrastructure.ListInstancesAsync(ct: ct)).Where(i => peers.Contains(i.Id)).Select(i => i.Host).ToHashSet(StringComparer.Ordinal);
    }

    private static async Task<string?> MoveAsync(ActivityContext context, ServerInstance instance, string action, IReadOnlyCollection<string> avoidHosts, CancellationToken ct)
    {
        await context.ExecuteAsync((_, t) => new RequestInstanceAction(instance.Id, instance.ProjectId, action, instance.Host, t), ct);
        if (!context.StillRunning)
            return null;
        try
        {
            var moved = await context.Infrastructure.MigrateAsync(instance.Id, live: action == "LIVE_MIGRATE", avoidHosts, ct);
            await context.ExecuteAsync((_, t) => new RecordInstanceActionDone(instance.Id, moved.Host, t), ct);
            return null;
        }
        catch (InfrastructureActionFailedException e)
        {
            await context.ExecuteAsync((_, t) => new RecordInstanceActionFailed(instance.Id, e.Reason, t), ct);
            return $"{action} of instance {instance.Id} failed: {e.Reason}";
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
