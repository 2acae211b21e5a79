namespace Doctor.Workflows.Notifications.Delivery;

/// <summary>
/// Where given-up deliveries go. The default only logs them (<see cref="LoggedDeadLetters"/>); the seam is here so that
/// dead letters can be persisted and shown through the API (DESIGN.md §7) without touching the dispatcher.
/// </summary>
public interface IDeadLetterSink
{
    ValueTask RecordAsync(DeadLetter letter, CancellationToken ct);
}
