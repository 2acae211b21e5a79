namespace Doctor.Workflows.Infrastructure.Simulated;

/// <summary>The mutable record of one instance inside <see cref="SimulatedCloud"/>; only touched under the cloud's lock.</summary>
internal sealed class SimulatedInstanceState(string id, string name, string projectId, int vcpus, SimulatedHostState host)
{
    public string Id { get; } = id;
    public string Name { get; } = name;
    public string ProjectId { get; } = projectId;
    public int Vcpus { get; } = vcpus;
    public SimulatedHostState Host { get; set; } = host;
    public string Status { get; set; } = SimulatedCloud.StatusActive;
    public string? FloatingIp { get; set; }

    /// <summary>The host holding a reservation for this instance while it migrates; null when no migration is under way.</summary>
    public SimulatedHostState? MigrationTarget { get; set; }

    /// <summary>When the migration under way is due to finish (a persisted cloud finishes it then even if its caller died).</summary>
    public DateTimeOffset? MigrationDueAt { get; set; }

    /// <summary>
    /// Tells this instance from an earlier one with the same id (re-seeded, or deleted and created again), so a
    /// migration finishing after a reload still knows whether its instance is the one it started on.
    /// </summary>
    public long Incarnation { get; set; }

    public ServerInstance ToView() => new(Id, Name, Host.Name, ProjectId, Status, Host.HostStatus, FloatingIp, Vcpus);
}
