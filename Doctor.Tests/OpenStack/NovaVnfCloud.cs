using System.Net;
using System.Text.Json.Nodes;
using Doctor.Tests.Maintenance;
using Doctor.Workflows.Infrastructure.OpenStack;

namespace Doctor.Tests.OpenStack;

/// <summary>
/// A VNFM's own Nova, with its project's credentials (a member: it sees no hosts). Scale in deletes servers, scale out
/// boots them (into the project's anti-affinity group when named so), and the HA pair's active role is the server
/// metadata <c>ha_role=active</c> — this cloud has no L3 for floating IPs.
/// </summary>
public sealed class NovaVnfCloud(OpenStackTestCloud cloud, OpenStackHttp project) : IVnfCloud
{
    public const string RoleKey = "ha_role";

    public async Task<IReadOnlyList<VnfInstance>> InstancesAsync(string projectId)
    {
        var servers = (await project.GetAsync("compute", "/servers/detail", CancellationToken.None))["servers"]!.AsArray();
        return servers.Select(s => new VnfInstance(s!["id"]!.GetValue<string>(), s["name"]!.GetValue<string>(),
            s["metadata"]?[RoleKey]?.GetValue<string>() == "active")).ToList();
    }

    public async Task DeleteAsync(string instanceId)
    {
        try
        {
            await project.SendAsync("compute", HttpMethod.Delete, $"/servers/{instanceId}", null, idempotent: true, CancellationToken.None);
        }
        catch (OpenStackApiException e) when (e.Status == HttpStatusCode.NotFound)
        {
        }
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (await cloud.ServerAsync(instanceId) is not null && DateTime.UtcNow < deadline)
            await Task.Delay(250);
    }

    public async Task CreateAsync(string projectId, string name)
    {
        var server = await cloud.BootAsync(project, name);
        if (server["status"]!.GetValue<string>() != "ACTIVE")
            throw new InvalidOperationException($"scale out: {name} is {server["status"]}: {server["fault"]?.ToJsonString()}");
    }

    public async Task SwitchOverAsync(VnfInstance active, VnfInstance standby)
    {
        await SetRoleAsync(standby.Id, "active");
        await SetRoleAsync(active.Id, "standby");
    }

    private Task SetRoleAsync(string id, string role) =>
        project.SendAsync("compute", HttpMethod.Put, $"/servers/{id}/metadata/{RoleKey}",
            new JsonObject { ["meta"] = new JsonObject { [RoleKey] = role } }, idempotent: true, CancellationToken.None);
}
