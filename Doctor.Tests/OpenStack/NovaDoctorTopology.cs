using System.Text.Json.Nodes;

namespace Doctor.Tests.OpenStack;

/// <summary>
/// OPNFV Doctor's maintenance layout as real servers in project <c>demo</c>: an HA pair <c>ha-0</c> (active) and
/// <c>ha-1</c> in an anti-affinity server group, and <c>nonha-0..3</c> — six servers of 1 vCPU on three hosts of
/// 2 vCPUs, every vCPU used, so a host can be emptied only by scaling in.
/// </summary>
public sealed record NovaDoctorTopology(string GroupId, IReadOnlyDictionary<string, string> IdsByName)
{
    public static async Task<NovaDoctorTopology> CreateAsync(OpenStackTestCloud cloud)
    {
        await cloud.DeleteServersAsync(cloud.DemoProjectId);
        await cloud.DeleteServersAsync(cloud.OtherProjectId);
        await cloud.RestoreComputesAsync();
        var group = (await cloud.Demo.SendAsync("compute", HttpMethod.Post, "/os-server-groups",
            new JsonObject { ["server_group"] = new JsonObject { ["name"] = $"doctor-ha-{Guid.NewGuid():N}"[..18], ["policy"] = "anti-affinity" } },
            idempotent: false, CancellationToken.None)).Body!["server_group"]!["id"]!.GetValue<string>();
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in new[] { "ha-0", "ha-1", "nonha-0", "nonha-1", "nonha-2", "nonha-3" })
        {
            var server = await BootAsync(cloud, name, name.StartsWith("ha", StringComparison.Ordinal) ? group : null, name == "ha-0" ? "active" : "standby");
            if (server["status"]!.GetValue<string>() != "ACTIVE")
                throw new InvalidOperationException($"{name} did not boot: {server["fault"]?.ToJsonString()}");
            ids[name] = server["id"]!.GetValue<string>();
        }
        return new NovaDoctorTopology(group, ids);
    }

    private static async Task<JsonNode> BootAsync(OpenStackTestCloud cloud, string name, string? group, string role)
    {
        var body = new JsonObject
        {
            ["server"] = new JsonObject
            {
                ["name"] = name, ["flavorRef"] = cloud.Flavor, ["imageRef"] = cloud.Image, ["networks"] = "none",
                ["metadata"] = new JsonObject { [NovaVnfCloud.RoleKey] = role },
            },
        };
        if (group is not null)
            body["os:scheduler_hints"] = new JsonObject { ["group"] = group };
        var id = (await cloud.Demo.SendAsync("compute", HttpMethod.Post, "/servers", body, idempotent: false, CancellationToken.None)).Body!["server"]!["id"]!.GetValue<string>();
        return await cloud.WaitAsync(id, s => s["status"]!.GetValue<string>() is "ACTIVE" or "ERROR", TimeSpan.FromSeconds(60));
    }
}
