namespace Doctor.Workflows.EventStore;

/// <summary>The append-only store every stream lives in (DESIGN.md §4).</summary>
public interface IEventStore
{
    /// <summary>Appends in one transaction; throws <see cref="WrongExpectedVersionException"/> on a version mismatch.</summary>
    Task<AppendResult> AppendAsync(string streamId, string streamType, ExpectedVersion expected, IReadOnlyList<EventToAppend> events, EventMetadata metadata, CancellationToken ct = default);

    /// <summary>Appends to several streams in one transaction: all or nothing.</summary>
    Task<IReadOnlyList<AppendResult>> AppendManyAsync(IReadOnlyList<StreamAppend> appends, CancellationToken ct = default);

    /// <summary>The stream's events with version ≥ <paramref name="fromVersion"/>, oldest first; empty if the stream does not exist.</summary>
    Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long fromVersion = 1, int maxCount = int.MaxValue, CancellationToken ct = default);

    /// <summary>The global feed after <paramref name="afterSeq"/>, in commit order; never returns a position past one still uncommitted.</summary>
    Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(long afterSeq, int limit, CancellationToken ct = default);

    /// <summary>The stream's current version, or null when it does not exist.</summary>
    Task<long?> GetStreamVersionAsync(string streamId, CancellationToken ct = default);
}
