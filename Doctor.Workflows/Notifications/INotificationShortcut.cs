using Doctor.Workflows.EventStore;

namespace Doctor.Workflows.Notifications;

/// <summary>
/// The fast lane of DESIGN.md §7/§8: hands <see cref="NotificationEmitted"/> events that are already durably appended
/// to the notifier at once, instead of waiting for the feed to reach them. The feed still sees them later; the
/// notifier delivers each (notification, endpoint) pair once whichever path reaches it first.
/// </summary>
public interface INotificationShortcut
{
    /// <summary>
    /// Starts delivery of the <see cref="NotificationEmitted"/> events among <paramref name="appended"/> (others are
    /// ignored) and returns once they are handed over, not once they are delivered.
    /// </summary>
    ValueTask DeliverNowAsync(IReadOnlyList<RecordedEvent> appended, CancellationToken ct);
}
