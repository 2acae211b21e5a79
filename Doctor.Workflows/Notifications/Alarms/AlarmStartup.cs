using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Doctor.Workflows.Notifications.Alarms;

/// <summary>Creates the alarms table if missing and loads the alarm directory before the service takes traffic.</summary>
public sealed class AlarmStartup(NpgsqlDataSource dataSource, AlarmDirectory directory) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await AlarmSchema.EnsureAsync(dataSource, cancellationToken);
        await directory.EnsureLoadedAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
