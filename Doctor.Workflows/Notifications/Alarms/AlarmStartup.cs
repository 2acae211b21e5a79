using Microsoft.Extensions.Hosting;

namespace Doctor.Workflows.Notifications.Alarms;

/// <summary>Loads the alarm directory before the service takes traffic (the table comes with the schema migrations).</summary>
public sealed class AlarmStartup(AlarmDirectory directory) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await directory.EnsureLoadedAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
