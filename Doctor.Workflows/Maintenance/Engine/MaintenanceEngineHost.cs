using Doctor.Domain.Maintenance;
using Doctor.Workflows.Engine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Doctor.Workflows.Maintenance.Engine;

/// <summary>
/// Loads and validates the workflow definitions at start (a bad file stops the service), then pokes every session
/// that still has something to do: deadlines are re-armed from the events, interrupted steps carried on.
/// </summary>
public sealed class MaintenanceEngineHost(
    MaintenanceEngine engine,
    MaintenanceSessions sessions,
    WorkflowCatalog catalog,
    IOptions<MaintenanceOptions> options,
    ILogger<MaintenanceEngineHost> logger) : IHostedService
{
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
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        engine.Stop();
        return Task.CompletedTask;
    }
}
