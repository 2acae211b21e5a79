using Doctor.Workflows.EventStore;

namespace Doctor.Tests.EventStore;

/// <summary>A real feed handler that keeps what it was given, checks it arrives in seq order, and can be told to fail or hold.</summary>
public sealed class RecordingFeedHandler(string name) : IEventFeedHandler
{
    private readonly Lock _lock = new();
    private readonly List<RecordedEvent> _seen = [];
    private long _lastSeq;

    public string Name { get; } = name;

    /// <summary>Runs before a batch is recorded; throw to fail the batch, await to hold it.</summary>
    public Func<IReadOnlyList<RecordedEvent>, Task>? BeforeRecording { get; set; }

    public int Calls { get; private set; }

    public IReadOnlyList<RecordedEvent> Seen
    {
        get
        {
            lock (_lock)
            {
                return [.. _seen];
            }
        }
    }

    /// <summary>Every batch started at or below the last seq recorded: a redelivery or an out-of-order batch.</summary>
    public int OutOfOrderBatches { get; private set; }

    public async Task HandleAsync(IReadOnlyList<RecordedEvent> batch, CancellationToken ct)
    {
        Calls++;
        if (BeforeRecording is { } before)
        {
            await before(batch);
        }
        lock (_lock)
        {
            foreach (var evt in batch)
            {
                if (evt.Seq <= _lastSeq)
                {
                    OutOfOrderBatches++;
                }
                _lastSeq = evt.Seq;
                _seen.Add(evt);
            }
        }
    }
}
