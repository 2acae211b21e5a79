namespace Doctor.Workflows.EventStore;

/// <summary>One stream's part of a multi-stream append that commits or fails as a whole.</summary>
public sealed record StreamAppend(string StreamId, string StreamType, ExpectedVersion Expected, IReadOnlyList<EventToAppend> Events, EventMetadata Metadata);
