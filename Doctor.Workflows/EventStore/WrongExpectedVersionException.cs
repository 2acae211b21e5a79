namespace Doctor.Workflows.EventStore;

/// <summary>The stream was not at the version the writer expected: re-read, re-decide, retry.</summary>
public sealed class WrongExpectedVersionException(string streamId, ExpectedVersion expected, long? actual)
    : Exception($"stream '{streamId}': expected version {expected}, actual {(actual is null ? "no stream" : actual.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))}")
{
    public string StreamId { get; } = streamId;
    public ExpectedVersion Expected { get; } = expected;
    public long? Actual { get; } = actual;
}
