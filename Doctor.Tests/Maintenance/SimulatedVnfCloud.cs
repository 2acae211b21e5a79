using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Doctor.Tests.Maintenance;

/// <summary>The simulated cloud's <c>/v1/infra</c> API (admin), standing for Nova and Neutron; retries while Doctor restarts.</summary>
public sealed class SimulatedVnfCloud(HttpClient cloud, Func<HttpClient, Func<HttpRequestMessage>, Task<HttpResponseMessage>> send) : IVnfCloud
{
    public async Task<IReadOnlyList<VnfInstance>> InstancesAsync(string projectId)
    {
        using var response = await send(cloud, () => new HttpRequestMessage(HttpMethod.Get, $"/v1/infra/instances?project_id={projectId}"));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<List<JsonObject>>())!
            .Select(i => new VnfInstance(i["id"]!.GetValue<string>(), i["name"]!.GetValue<string>(), i["floating_ip"] is JsonValue)).ToList();
    }

    public async Task DeleteAsync(string instanceId)
    {
        using var deleted = await send(cloud, () => new HttpRequestMessage(HttpMethod.Delete, $"/v1/infra/instances/{instanceId}"));
        if (deleted.StatusCode != HttpStatusCode.NotFound)
            deleted.EnsureSuccessStatusCode();
    }

    public async Task CreateAsync(string projectId, string name)
    {
        using var created = await send(cloud, () => new HttpRequestMessage(HttpMethod.Post, "/v1/infra/instances")
        {
            Content = JsonContent.Create(new { project_id = projectId, name, vcpus = 1 }),
        });
        created.EnsureSuccessStatusCode();
    }

    public async Task SwitchOverAsync(VnfInstance active, VnfInstance standby)
    {
        using var listed = await send(cloud, () => new HttpRequestMessage(HttpMethod.Get, $"/v1/infra/instances/{active.Id}"));
        var ip = (await listed.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>())!["floating_ip"]!.GetValue<string>();
        using var moved = await send(cloud, () => new HttpRequestMessage(HttpMethod.Put, $"/v1/infra/floating_ips/{ip}")
        {
            Content = JsonContent.Create(new { instance_id = standby.Id }),
        });
        moved.EnsureSuccessStatusCode();
    }
}
