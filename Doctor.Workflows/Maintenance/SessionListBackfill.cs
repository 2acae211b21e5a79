using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Doctor.Workflows.Maintenance;

/// <summary>
/// At start, adds to the session list the sessions written before it existed: each such stream is folded once, here,
/// so that no list request ever has to. Harmless on every node and every start: a session with a row is not read.
/// </summary>
public sealed class SessionListBackfill(SessionList list, MaintenanceSessions sessions, TimeProvider clock, ILogger<SessionListBackfill> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var missing = await list.ListMissingAsync(cancellationToken);
        foreach (var id in missing)
        {
            var (state, version) = await sessions.LoadAsync(id, cancellationToken);
            if (version > 0)
                await list.WriteAsync(SessionSummary.Of(state), version, clock.GetUtcNow(), cancellationToken);
        }
        if (missing.Count > 0)
            logger.LogInformation("Session list: {Count} session(s) written before it added", missing.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
