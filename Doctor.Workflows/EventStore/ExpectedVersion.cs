namespace Doctor.Workflows.EventStore;

/// <summary>
/// What the writer believes the stream's version to be. Versions start at 1 for a stream's first event,
/// so <see cref="NoStream"/> (0) means "the stream must not exist yet".
/// </summary>
public readonly record struct ExpectedVersion
{
    private const long AnyValue = -1;

    private ExpectedVersion(long value) => Value = value;

    public long Value { get; }

    public static ExpectedVersion Any { get; } = new(AnyValue);
    public static ExpectedVersion NoStream { get; } = new(0);

    public static ExpectedVersion Exactly(long version) =>
        version >= 0 ? new(version) : throw new ArgumentOutOfRangeException(nameof(version), version, "a stream version is 0 (no stream) or more");

    public bool IsAny => Value == AnyValue;

    public override string ToString() => IsAny ? "any" : Value == 0 ? "no stream" : Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
