using Doctor.Domain.Maintenance;
using Doctor.Workflows.Infrastructure;

namespace Doctor.Workflows.Maintenance.Audiences;

/// <summary>The projects with instances on the host this round empties.</summary>
public sealed class ProjectsOnChosenHost : IMaintenanceAudience
{
    public string Name => "projectsOnChosenHost";

    public IReadOnlyList<(string ProjectId, IReadOnlyList<string> InstanceIds)> Select(SessionState session, IReadOnlyList<ServerInstance> instances) =>
        instances.Where(i => i.Host == session.ChosenHost)
            .GroupBy(i => i.ProjectId, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, (IReadOnlyList<string>)g.Select(i => i.Id).Order(StringComparer.Ordinal).ToList()))
            .ToList();
}
