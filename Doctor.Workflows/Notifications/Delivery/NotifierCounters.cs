namespace Doctor.Workflows.Notifications.Delivery;

/// <summary>Delivery totals since start, for <c>/metrics</c>. Thread-safe; read any time.</summary>
public sealed class NotifierCounters
{
    private long _delivered;
    private long _retried;
    private long _dead;
    private long _pending;
    private long _adopted;

    /// <summary>Deliveries answered with a 2xx.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Attempts that failed and were tried again (one delivery can count several times).</summary>
    public long Retried => Interlocked.Read(ref _retried);

    /// <summary>Deliveries given up: attempts exhausted, or refused with a 4xx that retrying cannot fix.</summary>
    public long Dead => Interlocked.Read(ref _dead);

    /// <summary>Pending deliveries this node took over from dead nodes (a previous life of this process included).</summary>
    public long Adopted => Interlocked.Read(ref _adopted);

    /// <summary>Deliveries queued or in flight right now.</summary>
    public long Pending => Interlocked.Read(ref _pending);

    internal void CountDelivered() => Interlocked.Increment(ref _delivered);
    internal void CountRetried() => Interlocked.Increment(ref _retried);
    internal void CountDead() => Interlocked.Increment(ref _dead);
    internal void CountQueued() => Interlocked.Increment(ref _pending);
    internal void CountAdopted(int count) => Interlocked.Add(ref _adopted, count);
    internal void CountSettled() => Interlocked.Decrement(ref _pending);
}
