using System.Text.Json.Nodes;

namespace Doctor.Workflows.Infrastructure.OpenStack;

/// <summary>
/// A compute node's vCPUs as the scheduler counts them: Placement's VCPU inventory (<c>(total − reserved) × allocation_ratio</c>)
/// and usage. Nova's own hypervisor fields are gone from microversion 2.88 on, and ignore the allocation ratio before it.
/// </summary>
internal sealed class PlacementCapacity(OpenStackHttp api)
{
    public async Task<(int Vcpus, int Used)> VcpusAsync(string resourceProvider, CancellationToken ct)
    {
        var inventories = api.GetAsync("placement", $"/resource_providers/{Uri.EscapeDataString(resourceProvider)}/inventories", ct);
        var usages = api.GetAsync("placement", $"/resource_providers/{Uri.EscapeDataString(resourceProvider)}/usages", ct);
        var vcpu = (await inventories)["inventories"]?["VCPU"];
        var used = (await usages)["usages"]?["VCPU"]?.GetValue<int>() ?? 0;
        if (vcpu is null)
            return (0, used);
        var total = vcpu["total"]?.GetValue<int>() ?? 0;
        var reserved = vcpu["reserved"]?.GetValue<int>() ?? 0;
        var ratio = vcpu["allocation_ratio"] is JsonValue r ? r.GetValue<double>() : 1.0;
        // Rounded as Placement rounds capacity (int((total - reserved) * ratio)), with a hair of slack for binary fractions.
        return ((int)Math.Floor((total - reserved) * ratio + 1e-9), used);
    }
}
