using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Doctor.Tests.Infrastructure;
using Doctor.Tests.Maintenance;
using Doctor.Tests.Notifications;
using Doctor.Workflows.Faults;
using Microsoft.Extensions.DependencyInjection;

namespace Doctor.Tests.Faults;

/// <summary>
/// An incident is open only while its host is actually down (issue 13, defect 1): a host that came back without a
/// <c>compute.host.up</c> — re-seeded, or its force-down unset in the cloud behind our back — has its incident resolved
/// (<c>resolved_by: reconciled</c>), and its next failure fences and notifies again instead of being swallowed as a repeat.
/// </summary>
[Collection("faults-e2e")]
public sealed class ReconciliationTests : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task GivenAFencedHost_WhenTheSameTopologyIsSeededAgain_ThenItsIncidentIsReconciled_AndTheNextFaultFencesAndNotifiesAgain()
    {
        var cloud = FaultClouds.Create(hosts: 2, vmsPerHost: 2, owners: 1);
        await using var server = await DoctorServer.StartAsync(_db, cloud);
        await using var consumer = await WebhookListener.StartAsync();
        var onHost = await AlarmPerVmAsync(server, cloud, consumer);
        var first = await FenceAsync(server, consumer, onHost.Count);
        var seed = await SeedOfAsync(server.Client);

        using (var reseeded = await server.Client.PostAsJsonAsync("/v1/infra/seed", seed))
        {
            Assert.True(reseeded.IsSuccessStatusCode, await reseeded.Content.ReadAsStringAsync());
            var hosts = (await reseeded.Content.ReadFromJsonAsync<JsonObject>())!["hosts"]!.AsArray();
            Assert.Equal("normal", hosts.Single(h => h!["name"]!.GetValue<string>() == "compute-0")!["state"]!.GetValue<string>());
        }
        var resolved = await server.Client.GetJsonAsync($"/v1/incidents/{first}");
        Assert.Equal("resolved", resolved["status"]!.GetValue<string>());
        Assert.Equal("reconciled", resolved["resolved_by"]!.GetValue<string>());

        var second = await FenceAsync(server, consumer, 2 * onHost.Count);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task GivenAFencedHost_WhenTheCloudUnsetsForceDownBehindOurBack_ThenTheNextFaultAtOnceFencesAndNotifies()
    {
        var cloud = FaultClouds.Create(hosts: 2, vmsPerHost: 2, owners: 2);
        await using var server = await DoctorServer.StartAsync(_db, cloud);
        await using var consumer = await WebhookListener.StartAsync();
        var onHost = await AlarmPerVmAsync(server, cloud, consumer);
        var first = await FenceAsync(server, consumer, onHost.Count);

        // The operator repaired the host and unset force-down in the cloud itself (Doctor's guideline), telling us nothing.
        await cloud.SetForcedDownAsync("compute-0", false);
        var second = await FenceAsync(server, consumer, 2 * onHost.Count);

        Assert.NotEqual(first, second);
        var old = await server.Client.GetJsonAsync($"/v1/incidents/{first}");
        Assert.Equal("reconciled", old["resolved_by"]!.GetValue<string>());
        Assert.Equal(0, old["repeats"]!.GetValue<int>());
    }

    [Fact]
    public async Task GivenAFencedHost_WhenTheCloudShowsItBack_ThenReconciliationAloneResolvesIt_AndTheOwnersAreToldItRecovered()
    {
        var cloud = FaultClouds.Create(hosts: 2, vmsPerHost: 2, owners: 2);
        await using var server = await DoctorServer.StartAsync(_db, cloud);
        await using var consumer = await WebhookListener.StartAsync();
        var onHost = await AlarmPerVmAsync(server, cloud, consumer);
        foreach (var vm in onHost)
            await server.Client.CreateEventAlarmAsync(vm.ProjectId, vm.Id, consumer.Url("/recovered"), state: "active");
        var first = await FenceAsync(server, consumer, onHost.Count);

        await cloud.SetForcedDownAsync("compute-0", false); // the cloud's change feed re-lists the hosts: no report, no API call

        await FaultApi.EventuallyAsync(async () => (await server.Client.GetJsonAsync($"/v1/incidents/{first}"))["status"]!.GetValue<string>() == "resolved",
            "the incident resolved by reconciliation", seconds: 20);
        var posts = await consumer.WaitForAcceptedAsync("/recovered", onHost.Count);
        Assert.All(posts, p => Assert.Equal("ACTIVE", Trait(p.Json, "state")?.ToUpperInvariant()));
        var physical = (await server.Client.GetJsonAsync("/v1/resources/physical")).AsArray().Single(h => h!["id"]!.GetValue<string>() == "compute-0")!;
        Assert.Equal("normal", physical["state"]!.GetValue<string>());
        Assert.Null(physical["open_incident_id"]?.GetValue<string>());
        Assert.All(await cloud.ListInstancesAsync("compute-0"), i => Assert.Equal("ACTIVE", i.Status));
    }

    [Fact]
    public async Task GivenTwoNodes_WhenNodeAFencedAHostThatCameBackBehindOurBack_ThenAReportToNodeBFencesAndNotifies()
    {
        var cloud = FaultClouds.Create(hosts: 2, vmsPerHost: 2, owners: 1);
        await using var a = await DoctorServer.StartAsync(_db, cloud);
        await using var b = await DoctorServer.StartAsync(_db, cloud);
        await using var consumer = await WebhookListener.StartAsync();
        var onHost = await AlarmPerVmAsync(a, cloud, consumer);
        var first = await FenceAsync(a, consumer, onHost.Count);
        await FaultApi.EventuallyAsync(async () => (await b.Client.GetJsonAsync("/v1/resources/physical?state=down")).AsArray().Count == 1,
            "node B sees the host down", seconds: 10);

        await cloud.SetForcedDownAsync("compute-0", false);
        var second = await FenceAsync(b, consumer, 2 * onHost.Count);

        Assert.NotEqual(first, second);
        await Task.Delay(300);
        Assert.Equal(2 * onHost.Count, consumer.Accepted("/failure").Count);
    }

    [Fact]
    public async Task GivenAFencedHostThatCameBack_WhenReconciliationAndANewReportArriveTogether_ThenTheOldIncidentEndsOnce_AndOneNewIncidentOpens()
    {
        var cloud = FaultClouds.Create(hosts: 2, vmsPerHost: 2, owners: 1);
        await using var a = await DoctorServer.StartAsync(_db, cloud);
        await using var b = await DoctorServer.StartAsync(_db, cloud);
        await using var consumer = await WebhookListener.StartAsync();
        var onHost = await AlarmPerVmAsync(a, cloud, consumer);
        const int rounds = 6;
        var previous = await FenceAsync(a, consumer, onHost.Count);
        for (var round = 1; round <= rounds; round++)
        {
            await FaultApi.EventuallyAsync(async () => (await b.Client.GetJsonAsync("/v1/resources/physical?state=down")).AsArray().Count == 1,
                "node B sees the host down", seconds: 10);
            await cloud.SetForcedDownAsync("compute-0", false);
            var start = new Barrier(3);
            var reconciling = Task.Run(async () =>
            {
                start.SignalAndWait();
                await b.Services.GetRequiredService<HostReconciliation>().ReconcileNowAsync(null, CancellationToken.None);
            });
            var reports = new[] { a, b }.Select(node => Task.Run(async () =>
            {
                start.SignalAndWait();
                return (await node.Client.PutEventsAsync(FaultApi.HostDown("compute-0")))["incidents"]![0]!;
            })).ToList();
            await reconciling;
            var answers = await Task.WhenAll(reports);

            var verdicts = answers.Select(x => x["verdict"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
            Assert.True(verdicts is ["fence", "repeat"], $"round {round}: {string.Join(", ", verdicts)}; host stream: {await HostStreamAsync()}");
            var current = answers.Single(x => x["verdict"]!.GetValue<string>() == "fence")["incident_id"]!.GetValue<string>();
            Assert.NotEqual(previous, current);
            await using (var resolutions = _db.DataSource.CreateCommand(
                "SELECT count(*) FROM doctor.events WHERE stream_id = $1 AND type = 'fault.incident_resolved.v1'"))
            {
                resolutions.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = $"incident-{previous}" });
                Assert.Equal(1L, (long)(await resolutions.ExecuteScalarAsync())!);
            }
            await consumer.WaitForAcceptedAsync("/failure", (round + 1) * onHost.Count);
            await a.Services.GetRequiredService<FaultInspector>().WhenFencedAsync();
            await b.Services.GetRequiredService<FaultInspector>().WhenFencedAsync();
            previous = current;
        }
        await using (var opened = _db.DataSource.CreateCommand("SELECT count(*) FROM doctor.events WHERE type = 'host.declared_down.v1'"))
            Assert.Equal((long)rounds + 1, (long)(await opened.ExecuteScalarAsync())!);
        await Task.Delay(300);
        Assert.Equal((rounds + 1) * onHost.Count, consumer.Accepted("/failure").Count);
    }

    private static async Task<List<Doctor.Workflows.Infrastructure.ServerInstance>> AlarmPerVmAsync(DoctorServer server,
        Doctor.Workflows.Infrastructure.Simulated.SimulatedCloud cloud, WebhookListener consumer)
    {
        var onHost = (await cloud.ListInstancesAsync("compute-0")).ToList();
        foreach (var vm in onHost)
            await server.Client.CreateEventAlarmAsync(vm.ProjectId, vm.Id, consumer.Url("/failure"));
        return onHost;
    }

    /// <summary>Reports compute-0 down; asserts it is fenced, the owners told (<paramref name="notifiedSoFar"/> in all), the state down.</summary>
    private static async Task<string> FenceAsync(DoctorServer server, WebhookListener consumer, int notifiedSoFar)
    {
        var incident = (await server.Client.PutEventsAsync(FaultApi.HostDown("compute-0")))["incidents"]![0]!;
        Assert.Equal("fence", incident["verdict"]!.GetValue<string>());
        await consumer.WaitForAcceptedAsync("/failure", notifiedSoFar);
        await server.Services.GetRequiredService<FaultInspector>().WhenFencedAsync();
        var down = (await server.Client.GetJsonAsync("/v1/resources/physical?state=down")).AsArray();
        Assert.Equal("compute-0", Assert.Single(down)!["id"]!.GetValue<string>());
        return incident["incident_id"]!.GetValue<string>();
    }

    /// <summary>The seed that recreates the cloud as it is now: the same hosts and instances.</summary>
    private static async Task<JsonObject> SeedOfAsync(HttpClient client)
    {
        var hosts = (await client.GetJsonAsync("/v1/infra/hosts")).AsArray();
        var instances = (await client.GetJsonAsync("/v1/infra/instances")).AsArray();
        return new JsonObject
        {
            ["hosts"] = new JsonArray([.. hosts.Select(h => (JsonNode)new JsonObject { ["name"] = h!["name"]!.GetValue<string>(), ["vcpus"] = h["vcpus"]!.GetValue<int>() })]),
            ["instances"] = new JsonArray([.. instances.Select(i => (JsonNode)new JsonObject
            {
                ["id"] = i!["id"]!.GetValue<string>(), ["name"] = i["name"]!.GetValue<string>(), ["host"] = i["host"]!.GetValue<string>(),
                ["project_id"] = i["project_id"]!.GetValue<string>(), ["vcpus"] = i["vcpus"]!.GetValue<int>(),
            })]),
        };
    }

    private static string? Trait(JsonObject aodh, string name) =>
        aodh["reason_data"]!["event"]!["traits"]!.AsArray().FirstOrDefault(t => t![0]!.GetValue<string>() == name)?[2]?.GetValue<string>();

    private async Task<string> HostStreamAsync()
    {
        await using var query = _db.DataSource.CreateCommand(
            "SELECT coalesce(string_agg(type || ' v' || version, ', ' ORDER BY seq), 'empty') FROM doctor.events WHERE stream_id = 'host-compute-0'");
        return (string)(await query.ExecuteScalarAsync())!;
    }
}
