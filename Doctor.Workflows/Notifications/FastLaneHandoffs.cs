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
    private readonly ConcurrentDictionary<long, TaskCompletionSource<bool>> _reserved = new();
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
            if (_reserved.TryRemove(seq, out var promised))
            {
                // The feed may be waiting on the reservation already: it learns the outcome of this recording.
                _ = recorded.ContinueWith(
                    static (r, state) => ((TaskCompletionSource<bool>)state!).TrySetResult(r.IsCompletedSuccessfully && r.Result),
                    promised, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                continue;
            }
            _recorded[seq] = recorded;
            _order.Enqueue((now, seq));
        }
        while (_order.TryPeek(out var oldest) && now - oldest.At > Retention && _order.TryDequeue(out oldest))
            _recorded.TryRemove(oldest.Seq, out _);
    }

    /// <summary>
    /// Promises that the fast lane will hand the outbox events at <paramref name="seqs"/> over (<see cref="Add"/>): a
    /// caller with many to hand over one after another (a 100-host failure) reserves them all as soon as they are
    /// appended, so the feed, woken by the same commit, waits for the fast lane instead of routing them a second time.
    /// Disposing the reservation releases what was not handed over: the feed routes those.
    /// </summary>
    public IDisposable Reserve(IEnumerable<long> seqs)
    {
        var now = clock.GetUtcNow();
        var reserved = new List<long>();
        foreach (var seq in seqs)
        {
            var promise = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            _reserved[seq] = promise;
            _recorded[seq] = promise.Task;
            _order.Enqueue((now, seq));
            reserved.Add(seq);
        }
        return new Reservation(this, reserved);
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

    private sealed class Reservation(FastLaneHandoffs handoffs, List<long> seqs) : IDisposable
    {
        public void Dispose()
        {
            foreach (var seq in seqs)
            {
                if (handoffs._reserved.TryRemove(seq, out var promise))
                    promise.TrySetResult(false);
            }
        }
    }
}
