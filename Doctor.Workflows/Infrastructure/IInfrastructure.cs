namespace Doctor.Workflows.Infrastructure;

/// <summary>The controller port (DESIGN.md §9): everything the engine asks of the cloud.</summary>
public interface IInfrastructure
{
    Task<IReadOnlyList<ComputeHost>> ListHostsAsync(CancellationToken ct = default);

    /// <summary>Instances, optionally only those on <paramref name="host"/> and/or owned by <paramref name="projectId"/>.</summary>
    Task<IReadOnlyList<ServerInstance>> ListInstancesAsync(string? host = null, string? projectId = null, CancellationToken ct = default);

    Task<ServerInstance?> GetInstanceAsync(string instanceId, CancellationToken ct = default);

    /// <summary>Enables or disables the compute service of a host (a disabled host takes no new instances).</summary>
    Task SetComputeEnabledAsync(string host, bool enabled, string? reason, CancellationToken ct = default);

    /// <summary>Nova force-down: marks the host's compute service down so its instances show host_status DOWN.</summary>
    Task SetForcedDownAsync(string host, bool forcedDown, CancellationToken ct = default);

    /// <summary>Sets the physical resource state (<c>normal</c>, <c>maintenance</c>, <c>down</c>, <c>error</c>).</summary>
    Task SetHostStateAsync(string host, string state, CancellationToken ct = default);

    /// <summary>Cold (<paramref name="live"/> false) or live migration to a host chosen by the scheduler, never a disabled or maintained one. Returns the moved instance.</summary>
    Task<ServerInstance> MigrateAsync(string instanceId, bool live, CancellationToken ct = default);

    /// <summary>
    /// As <see cref="MigrateAsync(string, bool, CancellationToken)"/>, never onto <paramref name="avoidHosts"/> (anti-affinity:
    /// the hosts other members of the instance's group run on; Nova's <c>different_host</c> scheduler hint).
    /// </summary>
    Task<ServerInstance> MigrateAsync(string instanceId, bool live, IReadOnlyCollection<string> avoidHosts, CancellationToken ct = default);

    /// <summary>
    /// Finishes a move the cloud is still running for the instance (one a crash of ours cut off): waits while it migrates,
    /// confirms a cold migration waiting for it, for at most <paramref name="within"/>. Starts no move of its own, so a move
    /// is never asked twice. Returns the instance as it then is, or null when it is gone.
    /// </summary>
    Task<ServerInstance?> FinishMoveAsync(string instanceId, TimeSpan within, CancellationToken ct = default);

    /// <summary>The cloud's own anti-affinity groups (Nova server groups), member instance id → group id; a group constraint as the Fenix API's.</summary>
    Task<IReadOnlyDictionary<string, string>> AntiAffinityGroupsAsync(CancellationToken ct = default);

    /// <summary>Nova reset-state, e.g. to <c>ERROR</c> when the inspector fences a failed host.</summary>
    Task ResetInstanceStateAsync(string instanceId, string status, CancellationToken ct = default);

    /// <summary>Neutron data_plane_status of every port bound on the host (<c>UP</c> or <c>DOWN</c>).</summary>
    Task SetPortsDataPlaneStatusAsync(string host, string status, CancellationToken ct = default);

    /// <summary>Raised after every change, for caches that must stay current.</summary>
    event Action<InfrastructureChange>? Changed;
}
