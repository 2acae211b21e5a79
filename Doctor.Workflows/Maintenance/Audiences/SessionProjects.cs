using Doctor.Domain.Maintenance;
using Doctor.Workflows.Infrastructure;

namespace Doctor.Workflows.Maintenance.Audiences;

/// <summary>Every project with instances on the session's hosts, and every project told earlier in the session.</summary>
public sealed class SessionProjects : IMaintenanceAudience
{
    public string Name => "sessionProjects";

    public IReadOnlyList<(string ProjectId, IReadOnlyList<string> InstanceIds)> Select(SessionState session, IReadOnlyList<ServerInstance> instances)
    {
        var hosts = session.Hosts.ToHashSet(StringComparer.Ordinal);
        var onHosts = instances.Where(i => hosts.Contains(i.Host)).ToLookup(i => i.ProjectId, StringComparer.Ordinal);
        return onHosts.Select(g => g.Key).Concat(session.KnownProjects).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(p => (p, (IReadOnlyList<string>)onHosts[p].Select(i => i.Id).Order(StringComparer.Ordinal).ToList()))
            .ToList();
    }
}
