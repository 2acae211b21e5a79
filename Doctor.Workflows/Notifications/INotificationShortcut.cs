using Doctor.Workflows.EventStore;

namespace Doctor.Workflows.Notifications;

/// <summary>
/// The fast lane of DESIGN.md §7/§8: hands notifications that are already durably appended to the notifier at once,
/// instead of waiting for the feed to reach them. The feed still sees them later; the notifier delivers each
/// (notification, endpoint) pair once whichever path reaches it first.
/// </summary>
public interface INotificationShortcut
{
    /// <summary>
    /// Starts delivery of the outbox events among <paramref name="appended"/> (others are ignored) and returns once
    /// they are handed over, not once they are delivered.
    /// </summary>
    ValueTask DeliverNowAsync(IReadOnlyList<RecordedEvent> appended, CancellationToken ct);

    /// <summary>
    /// The same for notifications the caller still holds in memory (nothing is read back from JSON): every notification
    /// of each outbox event named by a <see cref="AppendedNotification.Seq"/> must be among them.
    /// </summary>
    ValueTask DeliverNowAsync(IReadOnlyList<AppendedNotification> appended, CancellationToken ct);

    /// <summary>
    /// Announces that the outbox events at <paramref name="seqs"/> are about to be handed over (in that order, perhaps
    /// over hundreds of milliseconds): until then the feed leaves them to the fast lane. Dispose once every hand-over
    /// was made or given up; what was not handed over goes back to the feed.
    /// </summary>
    IDisposable Reserve(IEnumerable<long> seqs);
}
