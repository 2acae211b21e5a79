using System.Collections.Concurrent;
using Doctor.Workflows.Notifications.Delivery;

namespace Doctor.Workflows.Faults.WarmUp;

/// <summary>
/// How the warm-up's dispatcher reports outcomes: a delivered one is written by the warm-up's store (its statement runs
/// in the rolled-back transaction) without holding the dispatcher until then — a real dispatcher stays busy until the
/// fast lane has written its rows, up to 100 ms later, which would cost every dry fault that long. The writes are
/// awaited, all together, by <see cref="SettledAsync"/>. A dead letter is counted, not stored.
/// </summary>
internal sealed class WarmUpDeliveryLog(DeliveryStore store) : IDeliveryLog, IDeadLetterSink
{
    private readonly ConcurrentQueue<Task> _writes = new();
    private int _dead;

    /// <summary>Deliveries given up so far (a refused or failing sink).</summary>
    public int Dead => Volatile.Read(ref _dead);

    public ValueTask DeliveredAsync(WebhookDelivery delivery, int attempts, CancellationToken ct)
    {
        _writes.Enqueue(store.DeliveredAsync(delivery, attempts, ct).AsTask());
        return ValueTask.CompletedTask;
    }

    public ValueTask DeadAsync(DeadLetter letter, CancellationToken ct)
    {
        Interlocked.Increment(ref _dead);
        return ValueTask.CompletedTask;
    }

    ValueTask IDeadLetterSink.RecordAsync(DeadLetter letter, CancellationToken ct) => ValueTask.CompletedTask;

    /// <summary>Completes when every outcome reported so far is written (and so, before it, the rows they settle).</summary>
    public async Task SettledAsync()
    {
        while (_writes.TryDequeue(out var write))
            await write;
    }
}
