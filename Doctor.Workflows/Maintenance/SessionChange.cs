using Doctor.Domain.Maintenance;

namespace Doctor.Workflows.Maintenance;

/// <summary>The outcome of one decided command: the state after it, the events it produced and the stream version.</summary>
public sealed record SessionChange(SessionState State, IReadOnlyList<IMaintenanceEvent> Events, long Version);
