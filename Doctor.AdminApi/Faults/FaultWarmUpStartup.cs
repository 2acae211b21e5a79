using Doctor.Workflows.Faults;
using Doctor.Workflows.Faults.WarmUp;
using Microsoft.Extensions.Options;

namespace Doctor.AdminApi.Faults;

/// <summary>
/// Runs the fault path's warm-up (<see cref="FaultWarmUp"/>, <c>Doctor:Faults:WarmUp</c>) as the last hosted service to
/// start: after the schema is migrated, the alarm directories are loaded and the incident book is read, and before the
/// server listens — so <c>/health</c> answers only once it is done. Best effort: a warm-up that falls short is logged and
/// the service starts anyway, cold.
/// </summary>
internal sealed class FaultWarmUpStartup(
    FaultWarmUp warmUp, IncidentBook book, InspectorWarmUpDoor door, IOptions<FaultOptions> options, ILogger<FaultWarmUpStartup> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.WarmUp)
            return;
        // The real book, read as the first report would read it (read only): the real fault must not wait for it either.
        await book.EnsureOpenLoadedAsync(cancellationToken);
        WarmUpReport report;
        try
        {
            report = await warmUp.RunAsync(door.Southbound(), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "Fault path warm-up failed; nothing was recorded or sent, and the first fault may run cold");
            return;
        }
        if (report.Incomplete is { } problem)
        {
            logger.LogWarning(
                "Fault path warm-up stopped after {Passes} dry faults in {Ms:F0} ms: {Problem}. Nothing was recorded or sent; the first fault may run cold",
                report.Passes, report.Took.TotalMilliseconds, problem);
            return;
        }
        logger.LogInformation(
            "Fault path warm-up: {Passes} dry faults in {Ms:F0} ms (the first {FirstMs:F1} ms, the last {LastMs:F1} ms, report to last webhook), "
            + "{Webhooks} dry webhooks to its own sink; nothing was recorded or sent",
            report.Passes, report.Took.TotalMilliseconds, report.FirstPass.TotalMilliseconds, report.LastPass.TotalMilliseconds, report.Webhooks);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
