namespace Doctor.Workflows.EventStore;

/// <summary>
/// The outcome of an append. <paramref name="StreamVersion"/> is the stream's version after it;
/// <paramref name="FirstSeq"/>..<paramref name="LastSeq"/> the global positions written.
/// <paramref name="Duplicate"/> is true when the command id had been appended before and nothing new was written.
/// </summary>
public sealed record AppendResult(string StreamId, long StreamVersion, long FirstSeq, long LastSeq, bool Duplicate);
