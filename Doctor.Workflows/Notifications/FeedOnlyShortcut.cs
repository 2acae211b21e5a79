using Doctor.Workflows.EventStore;

namespace Doctor.Workflows.Notifications;

/// <summary>No fast lane: the notifier reaches the notifications through the feed. Replaced by the notifier's own.</summary>
public sealed class FeedOnlyShortcut : INotificationShortcut
{
    public ValueTask DeliverNowAsync(IReadOnlyList<RecordedEvent> appended, CancellationToken ct) => ValueTask.CompletedTask;

    public ValueTask DeliverNowAsync(IReadOnlyList<AppendedNotification> appended, CancellationToken ct) => ValueTask.CompletedTask;

    public IDisposable Reserve(IEnumerable<long> seqs) => NothingReserved.Instance;

    private sealed class NothingReserved : IDisposable
    {
        public static readonly NothingReserved Instance = new();

        public void Dispose()
        {
        }
    }
}
