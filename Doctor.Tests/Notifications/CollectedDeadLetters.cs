using System.Collections.Concurrent;
using Doctor.Workflows.Notifications.Delivery;

namespace Doctor.Tests.Notifications;

/// <summary>A dead-letter sink that keeps what it gets, so tests can read it (the seam the persistent store will fill).</summary>
public sealed class CollectedDeadLetters : IDeadLetterSink
{
    private readonly ConcurrentQueue<DeadLetter> _letters = new();

    public IReadOnlyList<DeadLetter> Letters => [.. _letters];

    public ValueTask RecordAsync(DeadLetter letter, CancellationToken ct)
    {
        _letters.Enqueue(letter);
        return ValueTask.CompletedTask;
    }
}
