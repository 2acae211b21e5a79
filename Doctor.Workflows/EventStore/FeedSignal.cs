namespace Doctor.Workflows.EventStore;

/// <summary>
/// A sticky wake-up for one feed loop: a notification that arrives between "read found nothing" and "wait"
/// is kept, so it is never lost. The loop resets before it reads, then waits.
/// </summary>
internal sealed class FeedSignal
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _raised = NewSource();

    public void Raise()
    {
        lock (_lock)
        {
            _raised.TrySetResult();
        }
    }

    public void Reset()
    {
        lock (_lock)
        {
            if (_raised.Task.IsCompleted)
            {
                _raised = NewSource();
            }
        }
    }

    /// <summary>Returns when raised or after <paramref name="timeout"/>, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        Task raised;
        lock (_lock)
        {
            raised = _raised.Task;
        }
        await raised.WaitAsync(timeout, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        ct.ThrowIfCancellationRequested();
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
