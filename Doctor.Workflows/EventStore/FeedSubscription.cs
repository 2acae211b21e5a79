namespace Doctor.Workflows.EventStore;

/// <summary>One handler's loop state inside the runner: its position and who waits for it to reach a seq.</summary>
internal sealed class FeedSubscription(IEventFeedHandler handler)
{
    private readonly Lock _lock = new();
    private readonly List<(long Target, TaskCompletionSource Reached)> _waiters = [];
    private long? _position;

    public IEventFeedHandler Handler { get; } = handler;
    public string Name => Handler.Name;
    public FeedSignal Signal { get; } = new();

    /// <summary>The last seq handled and checkpointed; null until the checkpoint is loaded.</summary>
    public long? Position
    {
        get
        {
            lock (_lock)
            {
                return _position;
            }
        }
    }

    public void Advance(long position)
    {
        List<TaskCompletionSource>? reached = null;
        lock (_lock)
        {
            _position = position;
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Target <= position)
                {
                    (reached ??= []).Add(_waiters[i].Reached);
                    _waiters.RemoveAt(i);
                }
            }
        }
        reached?.ForEach(r => r.TrySetResult());
    }

    public Task WaitForAsync(long target, CancellationToken ct)
    {
        TaskCompletionSource waiter;
        lock (_lock)
        {
            if (_position >= target)
            {
                return Task.CompletedTask;
            }
            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((target, waiter));
        }
        return waiter.Task.WaitAsync(ct);
    }
}
