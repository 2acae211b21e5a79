using Doctor.Workflows.EventStore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Doctor.Workflows.Faults;

/// <summary>
/// Keeps this node's <see cref="IncidentBook"/> current with the incidents other nodes open, repeat and resolve: on every
/// append notification (PostgreSQL <c>NOTIFY</c>, milliseconds after another node's commit) and at least every second,
/// it folds what the incident streams gained. Off the request path: the inspector decides on the book as it is, so a
/// single node pays nothing for it, and a report reaching the second node after the first one's incident was appended
/// is a repeat of it (docs/scale-out.md).
/// </summary>
public sealed class IncidentBookFollower(IncidentBook book, EventFeedRunner feed, ILogger<IncidentBookFollower> logger) : BackgroundService
{
    private static readonly TimeSpan AtLeastEvery = TimeSpan.FromSeconds(1);
    private readonly FeedSignal _signal = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        feed.Appended += _signal.Raise;
        try
        {
            var failures = 0;
            while (!stoppingToken.IsCancellationRequested)
            {
                _signal.Reset();
                try
                {
                    await book.CatchUpOpenAsync(stoppingToken);
                    failures = 0;
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning(e, "incident book: catching up with the store failed ({Failures} in a row)", ++failures);
                }
                await _signal.WaitAsync(AtLeastEvery, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            feed.Appended -= _signal.Raise;
        }
    }
}
