using Doctor.Domain.Maintenance;

namespace Doctor.Workflows.Maintenance.Activities;

/// <summary>
/// PLANNED_MAINTENANCE: picks the next unmaintained host in the session's order (Fenix goes host by host) and disables
/// its compute, so the instances its projects move go to hosts already maintained.
/// </summary>
public sealed class ChooseNextHost : IMaintenanceActivity
{
    public string Name => "chooseNextHost";

    public async Task<string?> RunAsync(ActivityContext context, CancellationToken ct)
    {
        var state = context.State;
        if (state.ChosenHost is null)
        {
            var next = state.Hosts.FirstOrDefault(h => !state.MaintainedHosts.Contains(h));
            if (next is null)
                return "no unmaintained host left";
            await context.ExecuteAsync((_, now) => new ChooseHost(next, "next unmaintained host", now), ct);
        }
        return await DisableChosenCompute.RunAsync(context, ct);
    }
}
