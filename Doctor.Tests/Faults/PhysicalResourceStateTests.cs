using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Doctor.Tests.Infrastructure;
using Doctor.Tests.Maintenance;
using Doctor.Workflows.Faults;
using Microsoft.Extensions.DependencyInjection;

namespace Doctor.Tests.Faults;

/// <summary>
/// One truth for a host's state (issue 13, defect 2; Doctor's "consistent resource state awareness"): StateQuery,
/// <c>/v1/infra/hosts</c> and the inspector all read the host's stream — <c>down</c> while fenced, <c>maintenance</c>
/// while held, <c>normal</c> again on recovery — and <c>?state=</c> finds it.
/// </summary>
[Collection("faults-e2e")]
public sealed class PhysicalResourceStateTests : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task GivenAHostFenced_ThenEveryViewSaysDown_StateQueryFindsIt_AndOnRecoveryNormalAgain()
    {
        var cloud = FaultClouds.Create(hosts: 2, vmsPerHost: 2, owners: 1);
        await using var server = await DoctorServer.StartAsync(_db, cloud);

        var incident = (await server.Client.PutEventsAsync(FaultApi.HostDown("compute-0")))["incidents"]![0]!["incident_id"]!.GetValue<string>();
        await server.Services.GetRequiredService<FaultInspector>().WhenFencedAsync();

        var fenced = await PhysicalAsync(server.Client, "compute-0");
        Assert.Equal("down", fenced["state"]!.GetValue<string>());
        Assert.Equal("DOWN", fenced["host_status"]!.GetValue<string>());
        Assert.True(fenced["forced_down"]!.GetValue<bool>());
        Assert.Equal(incident, fenced["open_incident_id"]!.GetValue<string>());
        Assert.Equal("down", (await InfraAsync(server.Client, "compute-0"))["state"]!.GetValue<string>());
        Assert.Equal(["compute-0"], (await server.Client.GetJsonAsync("/v1/resources/physical?state=down")).AsArray().Select(h => h!["id"]!.GetValue<string>()));
        Assert.Equal(["compute-1"], (await server.Client.GetJsonAsync("/v1/resources/physical?state=normal")).AsArray().Select(h => h!["id"]!.GetValue<string>()));

        await server.Client.PutEventsAsync(FaultApi.HostDown("compute-0", "compute.host.up"));

        var back = await PhysicalAsync(server.Client, "compute-0");
        Assert.Equal("normal", back["state"]!.GetValue<string>());
        Assert.Equal("UP", back["host_status"]!.GetValue<string>());
        Assert.False(back["forced_down"]!.GetValue<bool>());
        Assert.Null(back["open_incident_id"]?.GetValue<string>());
        Assert.Empty((await server.Client.GetJsonAsync("/v1/resources/physical?state=down")).AsArray());
        Assert.Equal("compute.host.up", (await server.Client.GetJsonAsync($"/v1/incidents/{incident}"))["resolved_by"]!.GetValue<string>());
    }

    [Fact]
    public async Task GivenAStateChangeToMaintenanceWithMetadata_ThenItHoldsTheHost_ItsFaultIsNotFenced_AndNormalReleasesIt()
    {
        var cloud = FaultClouds.Create(hosts: 2, vmsPerHost: 2, owners: 1);
        await using var server = await DoctorServer.StartAsync(_db, cloud);

        using (var changed = await server.Client.PutAsJsonAsync("/v1/resources/physical/compute-0/state",
                   new JsonObject { ["state"] = "maintenance", ["metadata"] = new JsonObject { ["ticket"] = "CHG-1" } }))
        {
            var view = (await changed.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.Equal("maintenance", view["state"]!.GetValue<string>());
            Assert.Equal("MAINTENANCE", view["host_status"]!.GetValue<string>());
            Assert.Equal("CHG-1", view["metadata"]!["ticket"]!.GetValue<string>());
        }
        Assert.Equal(["compute-0"], (await server.Client.GetJsonAsync("/v1/resources/physical?state=maintenance")).AsArray().Select(h => h!["id"]!.GetValue<string>()));

        var verdict = (await server.Client.PutEventsAsync(FaultApi.HostDown("compute-0")))["incidents"]![0]!["verdict"]!.GetValue<string>();
        Assert.Equal("in_maintenance", verdict);
        Assert.False((await cloud.ListHostsAsync()).Single(h => h.Name == "compute-0").ForcedDown);

        using (var normal = await server.Client.PutAsJsonAsync("/v1/resources/physical/compute-0/state", new JsonObject { ["state"] = "normal" }))
            Assert.Equal("normal", (await normal.Content.ReadFromJsonAsync<JsonObject>())!["state"]!.GetValue<string>());
        Assert.Equal("fence", (await server.Client.PutEventsAsync(FaultApi.HostDown("compute-0")))["incidents"]![0]!["verdict"]!.GetValue<string>());
        Assert.Null((await PhysicalAsync(server.Client, "compute-0"))["metadata"]);

        // An auditor reads the host's whole story in its stream, in order, with who did what.
        await server.Services.GetRequiredService<FaultInspector>().WhenFencedAsync();
        await using var query = _db.DataSource.CreateCommand("SELECT type FROM doctor.events WHERE stream_id = 'host-compute-0' ORDER BY version");
        var types = new List<string>();
        await using (var reader = await query.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                types.Add(reader.GetString(0));
        Assert.Equal(["host.metadata_changed.v1", "host.state_changed.v1", "host.metadata_changed.v1", "host.state_changed.v1", "host.declared_down.v1",
            "host.forced_down.v1"], types);
    }

    [Fact]
    public async Task GivenTheCloudItselfShowsAHostInMaintenance_ThenStateQuerySaysMaintenance_AndBackToNormalWhenTheCloudDoes()
    {
        var cloud = FaultClouds.Create(hosts: 2, vmsPerHost: 2, owners: 1);
        await using var server = await DoctorServer.StartAsync(_db, cloud);

        await cloud.SetHostStateAsync("compute-1", "maintenance");
        await FaultApi.EventuallyAsync(async () => (await PhysicalAsync(server.Client, "compute-1"))["state"]!.GetValue<string>() == "maintenance",
            "the cloud's maintenance seen in the host's state", seconds: 10);
        await cloud.SetHostStateAsync("compute-1", "normal");
        await FaultApi.EventuallyAsync(async () => (await PhysicalAsync(server.Client, "compute-1"))["state"]!.GetValue<string>() == "normal",
            "the cloud's return seen in the host's state", seconds: 10);
    }

    private static async Task<JsonNode> PhysicalAsync(HttpClient client, string host) =>
        (await client.GetJsonAsync("/v1/resources/physical")).AsArray().Single(h => h!["id"]!.GetValue<string>() == host)!;

    private static async Task<JsonNode> InfraAsync(HttpClient client, string host) =>
        (await client.GetJsonAsync("/v1/infra/hosts")).AsArray().Single(h => h!["name"]!.GetValue<string>() == host)!;
}
