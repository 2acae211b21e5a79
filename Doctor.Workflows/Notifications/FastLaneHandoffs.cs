using System.Collections.Concurrent;

namespace Doctor.Workflows.Notifications;

/// <summary>
/// The outbox events (by feed position) whose notifications this node's fast lane has routed, with the task that
/// records their deliveries. The feed reaches the same events a moment later; for those it finds here with their rows
/// written it has nothing left to do, so it skips them without even reading their notifications — no reload of every
/// alarm, no second routing competing for the CPU with the webhooks of the very fault being notified. Entries the feed
/// never claims (it runs on another node) are forgotten after <see cref="Retention"/>.
/// </summary>
public sealed class FastLaneHandoffs(TimeProvider clock)
{
    public static readonly TimeSpan Retention = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<long, Task<bool>> _recorded = new();
    private readonly ConcurrentQueue<(DateTimeOffset At, long Seq)> _order = new();

    /// <summary>
    /// Notes that every notification of the outbox events at <paramref name="seqs"/> was routed, and that
    /// <paramref name="recorded"/> says whether their rows were written.
    /// </summary>
    public void Add(IEnumerable<long> seqs, Task<bool> recorded)
    {
        var now = clock.GetUtcNow();
        foreach (var seq in seqs)
        {
            _recorded[seq] = recorded;
            _order.Enqueue((now, seq));
        }
        while (_order.TryPeek(out var oldest) && now - oldest.At > Retention && _order.TryDequeue(out oldest))
            _recorded.TryRemove(oldest.Seq, out _);
    }

    /// <summary>
    /// True when the fast lane routed the notifications of the event at <paramref name="seq"/> and their deliveries are
    /// recorded (waits for the recording if it is still running); the entry is then forgotten. False: the caller must
    /// route them itself.
    /// </summary>
    public async ValueTask<bool> ClaimAsync(long seq)
    {
        if (!_recorded.TryRemove(seq, out var recorded))
            return false;
        return await recorded;
    }
}
