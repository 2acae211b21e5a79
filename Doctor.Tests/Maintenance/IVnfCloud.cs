namespace Doctor.Tests.Maintenance;

/// <summary>What a VNFM does in the cloud's own API with credentials of its own: list, delete and boot its instances, switch its HA role.</summary>
public interface IVnfCloud
{
    Task<IReadOnlyList<VnfInstance>> InstancesAsync(string projectId);

    /// <summary>Deletes the instance; an instance gone already is no error (a retry after a lost answer).</summary>
    Task DeleteAsync(string instanceId);

    /// <summary>Boots an instance of 1 vCPU and returns once the cloud says it runs.</summary>
    Task CreateAsync(string projectId, string name);

    /// <summary>Makes <paramref name="standby"/> the active one of the HA pair, instead of <paramref name="active"/>.</summary>
    Task SwitchOverAsync(VnfInstance active, VnfInstance standby);
}

/// <param name="Active">Holds the HA pair's service address (the floating IP, or the cloud's equivalent).</param>
public sealed record VnfInstance(string Id, string Name, bool Active);
