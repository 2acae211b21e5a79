namespace Doctor.Workflows.EventStore;

/// <summary>A stored event's type name has no CLR type (and no upcaster) registered: the build that wrote it knew more than this one.</summary>
public sealed class UnknownEventTypeException(string typeName, string streamId, long seq)
    : Exception($"event type '{typeName}' (stream '{streamId}', seq {seq}) is not registered in the EventTypeRegistry")
{
    public string TypeName { get; } = typeName;
    public string StreamId { get; } = streamId;
    public long Seq { get; } = seq;
}
