using Doctor.Domain.Maintenance;

namespace Doctor.Workflows.Maintenance.Activities;

/// <summary>Records, then applies, the disabling of the chosen host's compute: recorded first so a crash never leaves a compute disabled and forgotten.</summary>
internal static class DisableChosenCompute
{
    public static async Task<string?> RunAsync(ActivityContext context, CancellationToken ct)
    {
        var host = context.State.ChosenHost!;
        await context.ExecuteAsync((_, now) => new DisableCompute(host, now), ct);
        if (!context.StillRunning)
            return null;
        await context.Infrastructure.SetComputeEnabledAsync(host, false, $"maintenance session {context.SessionId}", ct);
        return null;
    }
}
