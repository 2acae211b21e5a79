using Doctor.Domain.Maintenance;
using Doctor.Workflows.Infrastructure;

namespace Doctor.Workflows.Maintenance.Audiences;

/// <summary>Whom a state notifies (<c>"audience"</c> in a definition), with each project's affected instances.</summary>
public interface IMaintenanceAudience
{
    string Name { get; }

    /// <returns>Project id → affected instance ids, in a stable order.</returns>
    IReadOnlyList<(string ProjectId, IReadOnlyList<string> InstanceIds)> Select(SessionState session, IReadOnlyList<ServerInstance> instances);
}
