namespace Doctor.Workflows.EventStore;

/// <summary>
/// A durable subscriber to the global feed. The runner hands it events in commit order, after its stored
/// checkpoint, and advances the checkpoint named <see cref="Name"/> only once <see cref="HandleAsync"/> returns.
/// A handler that throws sees the same batch again (at-least-once across crashes; never skips).
/// </summary>
public interface IEventFeedHandler
{
    /// <summary>The checkpoint name: stable across restarts, unique per handler.</summary>
    string Name { get; }

    Task HandleAsync(IReadOnlyList<RecordedEvent> batch, CancellationToken ct);
}
