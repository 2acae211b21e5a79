using System.Collections.Concurrent;
using Doctor.Workflows.Notifications.Delivery;

namespace Doctor.Tests.Notifications;

/// <summary>A dead-letter sink that keeps what it gets, so tests can read it (the seam the persistent store will fill).</summary>
public sealed class CollectedDeadLetters : IDeadLetterSink
{
    private readonly ConcurrentQueue<DeadLetter> _letters = new();
    private readonly ConcurrentQueue<string?> _ambient = new();

    /// <summary>An ambient value a test sets around its own calls: what the sink sees of it shows whose context a delivery ran in.</summary>
    public static readonly AsyncLocal<string?> Ambient = new();

    public IReadOnlyList<DeadLetter> Letters => [.. _letters];

    /// <summary><see cref="Ambient"/> as each letter was recorded, in the same order as <see cref="Letters"/>.</summary>
    public IReadOnlyList<string?> AmbientSeen => [.. _ambient];

    public ValueTask RecordAsync(DeadLetter letter, CancellationToken ct)
    {
        _ambient.Enqueue(Ambient.Value);
        _letters.Enqueue(letter);
        return ValueTask.CompletedTask;
    }
}
