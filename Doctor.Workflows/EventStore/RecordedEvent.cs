namespace Doctor.Workflows.EventStore;

/// <summary>An event as stored: <paramref name="Seq"/> is its position in the global feed, <paramref name="Version"/> its position in its stream.</summary>
public sealed record RecordedEvent(
    long Seq,
    Guid Id,
    string StreamId,
    long Version,
    string Type,
    string Data,
    EventMetadata Metadata,
    DateTimeOffset RecordedAt);
