using Doctor.Domain.Maintenance;
using Doctor.Workflows.Engine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Doctor.Workflows.Maintenance.Engine;

/// <summary>
/// Loads and validates the workflow definitions at start (a bad file stops the service), then pokes every session
/// that still has something to do: deadlines are re-armed from the events, interrupted steps carried on. Then, every
/// <see cref="MaintenanceOptions.TakeOverInterval"/>, takes over the running sessions no node drives (a node died).
/// </summary>
public sealed class MaintenanceEngineHost(
    MaintenanceEngine engine,
    MaintenanceSessions sessions,
    WorkflowCatalog catalog,
    IOptions<MaintenanceOptions> options,
    ILogger<MaintenanceEngineHost> logger) : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();
    private Task? _takeOver;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await catalog.LoadAsync(WorkflowsDirectory.Resolve(options.Value.WorkflowsDirectory), engine.Vocabulary, cancellationToken);
        var resumed = 0;
        foreach (var id in await sessions.ListSessionIdsAsync(cancellationToken))
        {
            var (state, _) = await sessions.LoadAsync(id, cancellationToken);
            if (state.IsRunning || !state.DisabledComputes.IsEmpty)
            {
                engine.Poke(id);
                resumed++;
            }
        }
        logger.LogInformation("Maintenance engine started; {Count} session(s) resumed", resumed);
        _takeOver = Task.Run(() => TakeOverAsync(_stopping.Token), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        engine.Stop();
        if (_takeOver is not null)
            await _takeOver.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task TakeOverAsync(CancellationToken ct)
    {
        // Sessions seen finished, at the stream version they were seen at: skipped until their stream moves (a resume).
        var finished = new Dictionary<string, long>(StringComparer.Ordinal);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.TakeOverInterval, ct);
                foreach (var (id, version) in await sessions.ListSessionVersionsAsync(ct))
                {
                    if (finished.TryGetValue(id, out var seen) && seen == version)
                        continue;
                    var (state, loaded) = await sessions.LoadAsync(id, ct);
                    if (state.IsRunning || !state.DisabledComputes.IsEmpty)
                        _ = engine.TakeOverIfUndrivenAsync(id, ct);
                    else
                        finished[id] = loaded;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Maintenance take-over round failed; trying again in {Interval}", options.Value.TakeOverInterval);
            }
        }
    }
}
