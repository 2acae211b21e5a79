using Doctor.Domain.Maintenance;

namespace Doctor.Workflows.Maintenance.Activities;

/// <summary>
/// PREPARE_MAINTENANCE: picks the unmaintained host cheapest to empty — fewest instances, then fewest floating IPs
/// (an HA pair's active side is moved last), then fewest vCPUs used — and disables its compute so nothing lands there.
/// </summary>
public sealed class ChooseHostToEmpty : IMaintenanceActivity
{
    public string Name => "chooseHostToEmpty";

    public async Task<string?> RunAsync(ActivityContext context, CancellationToken ct)
    {
        var state = context.State;
        if (state.ChosenHost is null)
        {
            var instances = await context.Infrastructure.ListInstancesAsync(ct: ct);
            var byHost = instances.ToLookup(i => i.Host, StringComparer.Ordinal);
            var candidate = state.Hosts
                .Where(h => !state.MaintainedHosts.Contains(h))
                .OrderBy(h => byHost[h].Count())
                .ThenBy(h => byHost[h].Count(i => i.FloatingIp is not null))
                .ThenBy(h => byHost[h].Sum(i => i.Vcpus))
                .ThenBy(h => h, StringComparer.Ordinal)
                .FirstOrDefault();
            if (candidate is null)
                return "no unmaintained host left to empty";
            var count = byHost[candidate].Count();
            await context.ExecuteAsync((_, now) => new ChooseHost(candidate, $"fewest instances ({count})", now), ct);
        }
        return await DisableChosenCompute.RunAsync(context, ct);
    }
}
