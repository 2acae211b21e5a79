namespace Doctor.Workflows.EventStore;

/// <summary>One unit's answer from a shared append statement: its results, or why it wrote nothing.</summary>
internal readonly record struct UnitOutcome(IReadOnlyList<AppendResult>? Results, Exception? Error);
