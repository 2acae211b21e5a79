using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Doctor.Tests.Infrastructure;
using Doctor.Tests.Maintenance;
using Doctor.Tests.Notifications;
using Doctor.Workflows.Faults;
using Microsoft.Extensions.DependencyInjection;

namespace Doctor.Tests.Faults;

/// <summary>
/// The Doctor fault management scenario over real HTTP on a real PostgreSQL: consumers hold an Aodh event alarm per
/// VM on <c>compute.instance.update</c> with state error; a monitor reports <c>compute.host.down</c>.
/// </summary>
[Collection("faults-e2e")]
public sealed class FaultEndToEndTests : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task GivenAlarmPerVm_WhenMonitorPutsHostDown_ThenEveryConsumerNotified_InstancesError_HostDown_ProfileRecorded()
    {
        var cloud = FaultClouds.Create(hosts: 2, vmsPerHost: 6, owners: 3);
        await using var server = await DoctorServer.StartAsync(_db, cloud);
        await using var consumer = await WebhookListener.StartAsync();
        var onHost = (await cloud.ListInstancesAsync("compute-0")).ToList();
        foreach (var vm in await cloud.ListInstancesAsync())
            await server.Client.CreateEventAlarmAsync(vm.ProjectId, vm.Id, consumer.Url("/failure"));

        var answer = await server.Client.PutEventsAsync(FaultApi.HostDown("compute-0"));

        var incident = answer["incidents"]![0]!;
        Assert.Equal("fence", incident["verdict"]!.GetValue<string>());
        var incidentId = incident["incident_id"]!.GetValue<string>();
        var posts = await consumer.WaitForAcceptedAsync("/failure", onHost.Count);
        var notified = posts.Select(p => p.Json["reason_data"]!["event"]!["traits"]!.AsArray()
            .First(t => t![0]!.GetValue<string>() == "instance_id")![2]!.GetValue<string>()).ToHashSet();
        Assert.Equal(onHost.Select(i => i.Id).ToHashSet(), notified);

        await server.Services.GetRequiredService<FaultInspector>().WhenFencedAsync();
        Assert.All(await cloud.ListInstancesAsync("compute-0"), i =>
        {
            Assert.Equal("ERROR", i.Status);
            Assert.Equal("DOWN", i.HostStatus);
        });
        Assert.All(await cloud.ListInstancesAsync("compute-1"), i => Assert.Equal("ACTIVE", i.Status));
        Assert.True((await cloud.ListHostsAsync()).Single(h => h.Name == "compute-0").ForcedDown);
        Assert.Equal("DOWN", cloud.DescribeHosts().Single(h => h.Name == "compute-0").PortsDataPlaneStatus);

        var profile = await server.Client.GetJsonAsync($"/v1/incidents/{incidentId}/profile");
        var stages = profile["stages"]!.AsArray().Select(s => s!["stage"]!.GetValue<string>()).ToList();
        foreach (var stage in new[] { "received", "policy_decided", "correlated", "appended", "notifications_handed_over", "host_marked_down", "instances_marked_error", "ports_marked_down" })
            Assert.Contains(stage, stages);
        Assert.Equal(onHost.Count, profile["instances"]!.GetValue<int>());

        // The fault query: admin sees host and instances; a project sees only its own instances.
        var faults = (await server.Client.GetJsonAsync("/v1/faults?virtual_resource_type=instance&min_severity=critical"))["faults"]!.AsArray();
        Assert.Equal(onHost.Count, faults.Count);
        var alarms = await server.Client.GetJsonAsync("/v2/alarms");
        Assert.Equal(12, alarms.AsArray().Count);

        // The doctor.fault native notification is in the outbox, one per owner.
        var history = await server.Client.GetJsonAsync("/v1/incidents");
        Assert.Single(history.AsArray());
    }

    [Fact]
    public async Task GivenFencedHost_WhenHostUp_ThenIncidentResolved_HostUp_InstancesActive_OwnersTold()
    {
        var cloud = FaultClouds.Create(hosts: 1, vmsPerHost: 2, owners: 2);
        await using var server = await DoctorServer.StartAsync(_db, cloud);
        await using var consumer = await WebhookListener.StartAsync();
        var alarm = new JsonObject
        {
            ["name"] = "recovery", ["type"] = "event", ["repeat_actions"] = true, ["alarm_actions"] = new JsonArray(consumer.Url("/recovered").ToString()),
            ["event_rule"] = new JsonObject { ["event_type"] = "compute.instance.update",
                ["query"] = new JsonArray(new JsonObject { ["field"] = "traits.state", ["op"] = "eq", ["value"] = "active" }) },
        };
        (await server.Client.PostAsync("/v2/alarms", new StringContent(alarm.ToJsonString(), Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        var id = (await server.Client.PutEventsAsync(FaultApi.HostDown("compute-0")))["incidents"]![0]!["incident_id"]!.GetValue<string>();
        await server.Services.GetRequiredService<FaultInspector>().WhenFencedAsync();

        var up = await server.Client.PutEventsAsync(FaultApi.HostDown("compute-0", "compute.host.up"));

        Assert.Equal("recovered", up["incidents"]![0]!["verdict"]!.GetValue<string>());
        await consumer.WaitForAcceptedAsync("/recovered", 2);
        var host = (await cloud.ListHostsAsync()).Single();
        Assert.False(host.ForcedDown);
        Assert.All(await cloud.ListInstancesAsync(), i => Assert.Equal(("ACTIVE", "UP"), (i.Status, i.HostStatus)));
        var view = await server.Client.GetJsonAsync($"/v1/incidents/{id}");
        Assert.Equal("resolved", view["status"]!.GetValue<string>());
        var profile = await server.Client.GetJsonAsync($"/v1/incidents/{id}/profile");
        Assert.NotNull(profile["resolved_after_ms"]);
    }

    [Fact]
    public async Task GivenHostInMaintenance_WhenHostDown_ThenNotFenced_AndRecorded()
    {
        var cloud = FaultClouds.Create(hosts: 1, vmsPerHost: 2, owners: 1);
        await cloud.SetHostStateAsync("compute-0", "maintenance");
        await using var server = await DoctorServer.StartAsync(_db, cloud);

        var answer = await server.Client.PutEventsAsync(FaultApi.HostDown("compute-0"));

        Assert.Equal("in_maintenance", answer["incidents"]![0]!["verdict"]!.GetValue<string>());
        Assert.Equal(0, answer["incidents"]![0]!["notifications"]!.GetValue<int>());
        Assert.False((await cloud.ListHostsAsync()).Single().ForcedDown);
        Assert.All(await cloud.ListInstancesAsync(), i => Assert.Equal("ACTIVE", i.Status));
        var faults = (await server.Client.GetJsonAsync("/v1/faults"))["faults"]!.AsArray();
        Assert.Equal("in_maintenance", Assert.Single(faults)!["verdict"]!.GetValue<string>());
    }

    [Fact]
    public async Task GivenFaultsOnTwoOwnersInstances_WhenAProjectQueriesFaults_ThenItSeesOnlyItsOwn()
    {
        await using var server = await DoctorServer.StartAsync(_db, FaultClouds.Create(hosts: 1, vmsPerHost: 2, owners: 2));
        await server.Client.PutEventsAsync(FaultApi.HostDown("compute-0"));
        using var project0 = await server.ProjectClientAsync("project-0");

        var own = (await project0.GetJsonAsync("/v1/faults"))["faults"]!.AsArray();
        var other = (await project0.GetJsonAsync("/v1/faults?virtual_resource_id=vm-0-1"))["faults"]!.AsArray();

        Assert.NotEmpty(own);
        Assert.All(own, f => Assert.Equal("vm-0-0", f!["virtual_resource_id"]!.GetValue<string>()));
        Assert.Empty(other);
        Assert.Equal(2, (await server.Client.GetJsonAsync("/v1/faults?virtual_resource_type=instance"))["faults"]!.AsArray().Count);
    }

    [Fact]
    public async Task GivenUnknownHost_WhenEventArrives_ThenAcceptedAndRecordedAsUnmatched()
    {
        await using var server = await DoctorServer.StartAsync(_db, FaultClouds.Create(1, 1, 1));

        var answer = await server.Client.PutEventsAsync(FaultApi.HostDown("no-such-host"));

        Assert.Equal("unmatched", answer["incidents"]![0]!["verdict"]!.GetValue<string>());
        var fault = Assert.Single((await server.Client.GetJsonAsync("/v1/faults?virtual_resource_id=no-such-host"))["faults"]!.AsArray())!;
        Assert.Equal("unmatched", fault["verdict"]!.GetValue<string>());
    }

    [Fact]
    public async Task GivenAggregationOfTwo_WhenTwoNonCriticalFailures_ThenSecondFencesWithTheFirstCorrelated()
    {
        var cloud = FaultClouds.Create(hosts: 1, vmsPerHost: 2, owners: 1);
        await using var server = await DoctorServer.StartAsync(_db, cloud);

        var first = await server.Client.PutEventsAsync(FaultApi.HostDown("compute-0", "compute.host.disk.error"));
        Assert.Equal("counted", first["incidents"]![0]!["verdict"]!.GetValue<string>());
        Assert.False((await cloud.ListHostsAsync()).Single().ForcedDown);
        var second = await server.Client.PutEventsAsync(FaultApi.HostDown("compute-0", "compute.host.cpu.error"));

        Assert.Equal("fence", second["incidents"]![0]!["verdict"]!.GetValue<string>());
        await server.Services.GetRequiredService<FaultInspector>().WhenFencedAsync();
        Assert.True((await cloud.ListHostsAsync()).Single().ForcedDown);
        var fenced = (await server.Client.GetJsonAsync("/v1/faults?fault_type=compute.host.cpu.error&virtual_resource_type=host"))["faults"]![0]!;
        Assert.Single(fenced["correlated_fault_ids"]!.AsArray());
    }

    [Fact]
    public async Task GivenStateChangeAndForceDownApi_ThenFenceAndRecover()
    {
        var cloud = FaultClouds.Create(hosts: 2, vmsPerHost: 1, owners: 1);
        await using var server = await DoctorServer.StartAsync(_db, cloud);
        var inspector = server.Services.GetRequiredService<FaultInspector>();

        using var down = await server.Client.PutAsync("/v1/resources/physical/compute-1/state",
            new StringContent("""{"state": "down", "metadata": {"ticket": "T-1"}}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, down.StatusCode);
        await inspector.WhenFencedAsync();
        var hosts = (await server.Client.GetJsonAsync("/v1/resources/physical?state=down")).AsArray();
        Assert.Equal("compute-1", Assert.Single(hosts)!["id"]!.GetValue<string>());
        Assert.Equal("DOWN", hosts[0]!["host_status"]!.GetValue<string>());
        Assert.Equal("ERROR", (await cloud.ListInstancesAsync("compute-1")).Single().Status);

        using var normal = await server.Client.PutAsync("/v1/resources/physical/compute-1/state",
            new StringContent("""{"state": "normal"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, normal.StatusCode);
        Assert.Equal(("ACTIVE", "UP"), (await cloud.ListInstancesAsync("compute-1")).Select(i => (i.Status, i.HostStatus)).Single());

        using var force = await server.Client.PutAsync("/v1/os-services/force-down",
            new StringContent("""{"binary": "nova-compute", "host": "compute-0", "forced_down": true}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, force.StatusCode);
        await inspector.WhenFencedAsync();
        Assert.Equal(("ERROR", "DOWN"), (await cloud.ListInstancesAsync("compute-0")).Select(i => (i.Status, i.HostStatus)).Single());
        using var unset = await server.Client.PutAsync("/v1/os-services/force-down",
            new StringContent("""{"binary": "nova-compute", "host": "compute-0", "forced_down": false}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, unset.StatusCode);
        Assert.Equal(("ACTIVE", "UP"), (await cloud.ListInstancesAsync("compute-0")).Select(i => (i.Status, i.HostStatus)).Single());
        Assert.All((await server.Client.GetJsonAsync("/v1/incidents")).AsArray(), i => Assert.Equal("resolved", i!["status"]!.GetValue<string>()));
    }

    [Fact]
    public async Task GivenManyMonitors_WhenTheyReportTheSameHostDownAtOnce_ThenOneIncidentFences_AndTheOthersJoinItAsRepeats()
    {
        var cloud = FaultClouds.Create(hosts: 1, vmsPerHost: 3, owners: 1);
        await using var server = await DoctorServer.StartAsync(_db, cloud);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => server.Client.PutEventsAsync(FaultApi.HostDown("compute-0"))));

        var verdicts = answers.Select(a => a["incidents"]![0]!["verdict"]!.GetValue<string>()).ToList();
        Assert.Equal(1, verdicts.Count(v => v == "fence"));
        Assert.Equal(19, verdicts.Count(v => v == "repeat"));
        Assert.Single(answers.Select(a => a["incidents"]![0]!["incident_id"]!.GetValue<string>()).Distinct());
        var incident = Assert.Single((await server.Client.GetJsonAsync("/v1/incidents")).AsArray())!;
        Assert.Equal(19, incident["repeats"]!.GetValue<int>());
    }
}
