using Doctor.Domain.Maintenance;
using Doctor.Workflows.Constraints;
using Doctor.Workflows.Infrastructure;

namespace Doctor.Workflows.Maintenance.Activities;

/// <summary>
/// PREPARE_MAINTENANCE: picks the unmaintained host cheapest to empty — fewest instances, then fewest floating IPs
/// (an HA pair's active side is moved last), then fewest vCPUs used — whose instances can all be placed elsewhere
/// without two members of an anti-affinity group sharing a host; then disables its compute so nothing lands there.
/// </summary>
public sealed class ChooseHostToEmpty(ConstraintStore constraints) : IMaintenanceActivity
{
    public string Name => "chooseHostToEmpty";

    public async Task<string?> RunAsync(ActivityContext context, CancellationToken ct)
    {
        var state = context.State;
        if (state.ChosenHost is null)
        {
            var instances = await context.Infrastructure.ListInstancesAsync(ct: ct);
            var hosts = await context.Infrastructure.ListHostsAsync(ct);
            var groups = await constraints.AntiAffinityGroupsAsync(ct);
            var byHost = instances.ToLookup(i => i.Host, StringComparer.Ordinal);
            var ordered = state.Hosts
                .Where(h => !state.MaintainedHosts.Contains(h))
                .OrderBy(h => byHost[h].Count())
                .ThenBy(h => byHost[h].Count(i => i.FloatingIp is not null))
                .ThenBy(h => byHost[h].Sum(i => i.Vcpus))
                .ThenBy(h => h, StringComparer.Ordinal)
                .ToList();
            if (ordered.Count == 0)
                return "no unmaintained host left to empty";
            var candidate = ordered.FirstOrDefault(h => CanEmpty(h, hosts, instances, groups));
            if (candidate is null)
                return $"no host of the session can be emptied: its instances do not fit elsewhere without breaking anti-affinity or capacity";
            var count = byHost[candidate].Count();
            await context.ExecuteAsync((_, now) => new ChooseHost(candidate, $"fewest instances ({count})", now), ct);
        }
        return await DisableChosenCompute.RunAsync(context, ct);
    }

    /// <summary>Places the host's instances greedily (largest first, most free host first) on the other usable hosts, keeping anti-affinity.</summary>
    internal static bool CanEmpty(string candidate, IReadOnlyList<ComputeHost> hosts, IReadOnlyList<ServerInstance> instances, IReadOnlyDictionary<string, string> groups)
    {
        var free = hosts.Where(h => h.Name != candidate && h.ComputeEnabled && !h.ForcedDown && h.State == Doctor.Domain.Hosts.HostStates.Normal)
            .ToDictionary(h => h.Name, h => h.VcpusFree, StringComparer.Ordinal);
        var groupHosts = instances.Where(i => i.Host != candidate && groups.ContainsKey(i.Id))
            .GroupBy(i => groups[i.Id]).ToDictionary(g => g.Key, g => g.Select(i => i.Host).ToHashSet(StringComparer.Ordinal));
        foreach (var instance in instances.Where(i => i.Host == candidate).OrderByDescending(i => i.Vcpus))
        {
            var group = groups.GetValueOrDefault(instance.Id);
            var taken = group is not null && groupHosts.TryGetValue(group, out var used) ? used : null;
            var target = free.Where(f => f.Value >= instance.Vcpus && (taken is null || !taken.Contains(f.Key)))
                .OrderByDescending(f => f.Value).ThenBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Key).FirstOrDefault();
            if (target is null)
                return false;
            free[target] -= instance.Vcpus;
            if (group is not null)
                (groupHosts.TryGetValue(group, out var set) ? set : groupHosts[group] = new HashSet<string>(StringComparer.Ordinal)).Add(target);
        }
        return true;
    }
}
