namespace Doctor.Workflows.EventStore;

/// <summary>
/// Who and what caused an append. Stored with every event so an auditor can follow a decision back to its request.
/// <paramref name="CommandId"/> makes an append idempotent: the same command id appended twice yields the first result.
/// </summary>
public sealed record EventMetadata(string CorrelationId, string? CausationId, string Actor, string? CommandId)
{
    public static EventMetadata Engine(string correlationId, string? causationId = null, string? commandId = null) =>
        new(correlationId, causationId, "engine", commandId);
}
