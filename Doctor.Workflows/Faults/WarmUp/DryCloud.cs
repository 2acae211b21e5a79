using Doctor.Workflows.Infrastructure;

namespace Doctor.Workflows.Faults.WarmUp;

/// <summary>
/// The cloud the dry incident is fenced in: the fencing calls (force-down, reset-state, ports down) return after a yield,
/// as a driver's network call would, and touch nothing; anything else is not part of a fault and is refused. No call
/// of the warm-up ever reaches the real driver.
/// </summary>
internal sealed class DryCloud : IInfrastructure
{
    public event Action<InfrastructureChange>? Changed
    {
        add { }
        remove { }
    }

    public async Task SetForcedDownAsync(string host, bool forcedDown, CancellationToken ct = default) => await Task.Yield();

    public async Task ResetInstanceStateAsync(string instanceId, string status, CancellationToken ct = default) => await Task.Yield();

    public async Task SetPortsDataPlaneStatusAsync(string host, string status, CancellationToken ct = default) => await Task.Yield();

    public Task<IReadOnlyList<ComputeHost>> ListHostsAsync(CancellationToken ct = default) => throw Refused();

    public Task<IReadOnlyList<ServerInstance>> ListInstancesAsync(string? host = null, string? projectId = null, CancellationToken ct = default) => throw Refused();

    public Task<ServerInstance?> GetInstanceAsync(string instanceId, CancellationToken ct = default) => throw Refused();

    public Task SetComputeEnabledAsync(string host, bool enabled, string? reason, CancellationToken ct = default) => throw Refused();

    public Task SetHostStateAsync(string host, string state, CancellationToken ct = default) => throw Refused();

    public Task<ServerInstance> MigrateAsync(string instanceId, bool live, CancellationToken ct = default) => throw Refused();

    public Task<ServerInstance?> FinishMoveAsync(string instanceId, TimeSpan within, CancellationToken ct = default) => throw Refused();

    public Task<IReadOnlyDictionary<string, string>> AntiAffinityGroupsAsync(CancellationToken ct = default) => throw Refused();

    public Task<ServerInstance> MigrateAsync(string instanceId, bool live, IReadOnlyCollection<string> avoidHosts, CancellationToken ct = default) => throw Refused();

    private static InvalidOperationException Refused() => new("the warm-up's dry cloud answers the fencing calls of a fault only");
}
