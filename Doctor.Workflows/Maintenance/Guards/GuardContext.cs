using Doctor.Domain.Maintenance;
using Doctor.Workflows.Infrastructure;

namespace Doctor.Workflows.Maintenance.Guards;

/// <summary>What a guard sees: the session and one snapshot of the cloud taken for the decision.</summary>
public sealed record GuardContext(SessionState Session, IReadOnlyList<ComputeHost> Hosts, IReadOnlyList<ServerInstance> Instances);
