using Microsoft.Extensions.Logging;
using Npgsql;

namespace Doctor.Workflows.EventStore;

/// <summary>
/// Holds one connection listening on <c>doctor_events</c> and wakes the feed loops on every notification. When the
/// connection fails it reconnects with backoff and wakes everyone, since notifications sent meanwhile are gone;
/// the loops' polling covers the gap.
/// </summary>
internal sealed class EventFeedListener(NpgsqlDataSource dataSource, Action wake, EventStoreOptions options, ILogger logger)
{
    // An idle connection can die silently; a cheap query this often finds out.
    private static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);

    public async Task RunAsync(CancellationToken ct)
    {
        var attempt = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(ct);
                connection.Notification += (_, _) => wake();
                await using (var listen = new NpgsqlCommand($"LISTEN {PostgresEventStore.NotificationChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(ct);
                }
                attempt = 0;
                wake();
                try
                {
                    while (true)
                    {
                        if (!await connection.WaitAsync(KeepAliveInterval, ct))
                        {
                            await using var ping = new NpgsqlCommand("SELECT 1", connection);
                            await ping.ExecuteScalarAsync(ct);
                        }
                    }
                }
                finally
                {
                    // The connection goes back to the pool: it must not stay subscribed there.
                    await UnlistenAsync(connection);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                var delay = options.RetryDelay(++attempt);
                logger.LogWarning(ex, "event feed: listening on {Channel} failed (attempt {Attempt}); polling meanwhile, reconnecting in {Delay}",
                    PostgresEventStore.NotificationChannel, attempt, delay);
                await Task.Delay(delay, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task UnlistenAsync(NpgsqlConnection connection)
    {
        if (connection.State != System.Data.ConnectionState.Open)
        {
            return;
        }
        try
        {
            await using var unlisten = new NpgsqlCommand("UNLISTEN *", connection);
            await unlisten.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            logger.LogDebug(ex, "event feed: UNLISTEN failed; the connection is broken and will not be reused");
        }
    }
}
