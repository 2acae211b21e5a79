using System.Collections.Concurrent;

namespace Doctor.Workflows.Notifications;

/// <summary>
/// The notifications this node's fast lane has routed, with the task that records their deliveries. The feed reaches
/// the same notifications a moment later; for those it finds here with their rows written it has nothing left to do,
/// so it skips them instead of reloading every alarm and routing them a second time — work that would otherwise
/// compete for the CPU with the webhooks of the very fault being notified. Entries the feed never claims (it runs on
/// another node) are forgotten after <see cref="Retention"/>.
/// </summary>
public sealed class FastLaneHandoffs(TimeProvider clock)
{
    public static readonly TimeSpan Retention = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, Task<bool>> _recorded = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(DateTimeOffset At, string MessageId)> _order = new();

    /// <summary>Notes that <paramref name="messageIds"/> were routed and that <paramref name="recorded"/> says whether their rows were written.</summary>
    public void Add(IEnumerable<string> messageIds, Task<bool> recorded)
    {
        var now = clock.GetUtcNow();
        foreach (var id in messageIds)
        {
            _recorded[id] = recorded;
            _order.Enqueue((now, id));
        }
        while (_order.TryPeek(out var oldest) && now - oldest.At > Retention && _order.TryDequeue(out oldest))
            _recorded.TryRemove(oldest.MessageId, out _);
    }

    /// <summary>
    /// True when the fast lane routed <paramref name="messageId"/> and its deliveries are recorded (waits for the
    /// recording if it is still running); the entry is then forgotten. False: the caller must route it itself.
    /// </summary>
    public async ValueTask<bool> ClaimAsync(string messageId)
    {
        if (!_recorded.TryRemove(messageId, out var recorded))
            return false;
        return await recorded;
    }
}
