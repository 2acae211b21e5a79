using Doctor.Domain.Faults;

namespace Doctor.Workflows.Faults;

/// <summary>A host as the resource map knows it: its physical state, force-down flag and the instances on it with their owners.</summary>
public sealed record MappedHost(string Name, string State, bool ForcedDown, IReadOnlyList<AffectedInstance> Instances)
{
    /// <summary>The cloud's own last listing shows the host in maintenance.</summary>
    public bool InMaintenance => State == Doctor.Domain.Hosts.HostStates.Maintenance;
}
