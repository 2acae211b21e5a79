using System.Text.Json.Nodes;
using Doctor.Tests.Faults;
using Doctor.Tests.Infrastructure;
using Doctor.Tests.Maintenance;
using Doctor.Tests.Notifications;
using Doctor.Workflows.Faults;
using Doctor.Workflows.Infrastructure.OpenStack;
using Microsoft.Extensions.DependencyInjection;

namespace Doctor.Tests.OpenStack;

/// <summary>
/// The Doctor fault scenario against a real Nova and Neutron with the <c>openstack</c> driver: owners told first, then the
/// compute forced down, its servers reset to ERROR, its ports' data plane down — all read back from Nova and Neutron —
/// and the map kept current by Nova's notifications alone.
/// </summary>
[Collection("openstack")]
public sealed class OpenStackFaultTests : IAsyncLifetime
{
    private readonly OpenStackTestCloud _cloud = OpenStackTestCloud.Instance;
    private TestDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await _cloud.DeleteServersAsync(_cloud.DemoProjectId);
        await _cloud.DeleteServersAsync(_cloud.OtherProjectId);
        await _cloud.RestoreComputesAsync();
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        await _cloud.RestoreComputesAsync();
        await _cloud.DeleteServersAsync(_cloud.DemoProjectId);
        await _cloud.DeleteServersAsync(_cloud.OtherProjectId);
    }

    [Fact]
    public async Task GivenServersOnAHost_WhenMonitorReportsItDown_ThenOwnersNotified_ComputeForcedDown_ServersError_PortsDown_AndNovaComingBackResolves()
    {
        var servers = new List<JsonNode>();
        for (var i = 0; i < 3; i++)
            servers.Add(await _cloud.BootAsync(i == 2 ? _cloud.Other : _cloud.Demo, $"vm-{i}"));
        var host = servers[0]["OS-EXT-SRV-ATTR:host"]!.GetValue<string>();
        var onHost = (await _cloud.ServersAsync(_cloud.DemoProjectId)).Concat(await _cloud.ServersAsync(_cloud.OtherProjectId))
            .Where(s => s["OS-EXT-SRV-ATTR:host"]!.GetValue<string>() == host).ToList();
        var port = await BoundPortAsync(host);
        await using var server = await DoctorServer.StartAsync(_db, settings: _cloud.DoctorSettings());
        await server.Services.GetRequiredService<NovaNotificationListener>().Bound;
        await using var consumer = await WebhookListener.StartAsync();
        foreach (var vm in onHost)
            await server.Client.CreateEventAlarmAsync(vm["tenant_id"]!.GetValue<string>(), vm["id"]!.GetValue<string>(), consumer.Url("/failure"));

        var answer = await server.Client.PutEventsAsync(FaultApi.HostDown(host));

        Assert.Equal("fence", answer["incidents"]![0]!["verdict"]!.GetValue<string>());
        var incidentId = answer["incidents"]![0]!["incident_id"]!.GetValue<string>();
        var posts = await consumer.WaitForAcceptedAsync("/failure", onHost.Count);
        Assert.Equal(onHost.Select(s => s["id"]!.GetValue<string>()).Order(), posts.Select(p => Trait(p.Json, "instance_id")).Order());
        await server.Services.GetRequiredService<FaultInspector>().WhenFencedAsync();

        var service = await _cloud.ServiceAsync(host);
        Assert.True(service["forced_down"]!.GetValue<bool>());
        Assert.Equal("down", service["state"]!.GetValue<string>());
        foreach (var vm in onHost)
        {
            var now = (await _cloud.ServerAsync(vm["id"]!.GetValue<string>()))!;
            Assert.Equal("ERROR", now["status"]!.GetValue<string>());
            Assert.Equal("DOWN", now["host_status"]!.GetValue<string>()); // what any consumer of Nova sees too
        }
        var portNow = (await _cloud.Admin.GetAsync("network", $"/v2.0/ports/{port}", CancellationToken.None))["port"]!;
        Assert.Equal("DOWN", portNow["data_plane_status"]!.GetValue<string>());
        var profile = await server.Client.GetJsonAsync($"/v1/incidents/{incidentId}/profile");
        var stages = profile["stages"]!.AsArray().Select(s => s!["stage"]!.GetValue<string>()).ToList();
        foreach (var stage in new[] { "notifications_handed_over", "host_marked_down", "instances_marked_error", "ports_marked_down" })
            Assert.Contains(stage, stages);

        // The operator brings the compute back in Nova itself: Nova's service.update resolves the incident, no report needed.
        await _cloud.Admin.SendAsync("compute", HttpMethod.Put, $"/os-services/{service["id"]}", new JsonObject { ["forced_down"] = false }, true, CancellationToken.None);
        await FaultApi.EventuallyAsync(async () => (await server.Client.GetJsonAsync($"/v1/incidents/{incidentId}"))["status"]!.GetValue<string>() == "resolved",
            "the incident resolved by Nova's service.update", seconds: 30);
        foreach (var vm in onHost)
            Assert.Equal("ACTIVE", (await _cloud.ServerAsync(vm["id"]!.GetValue<string>()))!["status"]!.GetValue<string>());
        portNow = (await _cloud.Admin.GetAsync("network", $"/v2.0/ports/{port}", CancellationToken.None))["port"]!;
        Assert.Equal("ACTIVE", portNow["data_plane_status"]!.GetValue<string>()); // Neutron's word for up
    }

    [Fact]
    public async Task GivenNoResnapshotForAnHour_WhenServersAreBootedAndDeletedInNova_ThenTheResourceMapFollowsFromNotificationsAlone()
    {
        var settings = _cloud.DoctorSettings();
        settings["Doctor:Faults:ResnapshotInterval"] = "01:00:00";
        await using var server = await DoctorServer.StartAsync(_db, settings: settings);
        await server.Services.GetRequiredService<NovaNotificationListener>().Bound;
        var map = server.Services.GetRequiredService<ResourceMap>();

        var booted = await _cloud.BootAsync(_cloud.Demo, "followed");
        var id = booted["id"]!.GetValue<string>();
        await FaultApi.EventuallyAsync(() => Task.FromResult(map.Instance(id) is not null), "the map learns of the new server", seconds: 20);
        Assert.Equal((booted["OS-EXT-SRV-ATTR:host"]!.GetValue<string>(), _cloud.DemoProjectId), map.Instance(id)!.Value);

        await _cloud.Admin.SendAsync("compute", HttpMethod.Post, $"/servers/{id}/action", new JsonObject { ["os-migrateLive"] = new JsonObject { ["host"] = null, ["block_migration"] = "auto" } }, false, CancellationToken.None);
        var moved = await _cloud.WaitAsync(id, s => s["status"]!.GetValue<string>() == "ACTIVE" && s["OS-EXT-STS:task_state"] is null
                                                      && s["OS-EXT-SRV-ATTR:host"]!.GetValue<string>() != booted["OS-EXT-SRV-ATTR:host"]!.GetValue<string>(), TimeSpan.FromSeconds(60));
        await FaultApi.EventuallyAsync(() => Task.FromResult(map.Instance(id)?.Host == moved["OS-EXT-SRV-ATTR:host"]!.GetValue<string>()), "the map follows the live migration", seconds: 20);

        await _cloud.DeleteServersAsync(_cloud.DemoProjectId);
        await FaultApi.EventuallyAsync(() => Task.FromResult(map.Instance(id) is null), "the map forgets the deleted server", seconds: 20);
        Assert.Equal(0, map.DriftCorrected);
        Assert.True(server.Services.GetRequiredService<NovaNotificationListener>().Applied > 0);
    }

    /// <summary>A Neutron port bound to the host (no agent binds it: the binding host is what Doctor looks ports up by).</summary>
    private async Task<string> BoundPortAsync(string host)
    {
        var network = (await _cloud.Admin.SendAsync("network", HttpMethod.Post, "/v2.0/networks",
            new JsonObject { ["network"] = new JsonObject
            {
                ["name"] = $"fault-net-{Guid.NewGuid():N}"[..16],
                // No tenant network types are configured: a flat provider network on a physnet of its own.
                ["provider:network_type"] = "flat", ["provider:physical_network"] = $"physnet-{Guid.NewGuid():N}"[..16],
            } }, false, CancellationToken.None)).Body!["network"]!["id"]!.GetValue<string>();
        return (await _cloud.Admin.SendAsync("network", HttpMethod.Post, "/v2.0/ports",
            new JsonObject { ["port"] = new JsonObject { ["network_id"] = network, ["binding:host_id"] = host, ["name"] = "fault-port" } }, false, CancellationToken.None))
            .Body!["port"]!["id"]!.GetValue<string>();
    }

    private static string Trait(JsonNode alarm, string name) =>
        alarm["reason_data"]!["event"]!["traits"]!.AsArray().First(t => t![0]!.GetValue<string>() == name)![2]!.GetValue<string>();
}
