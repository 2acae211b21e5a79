using Doctor.Tests.Infrastructure;
using Doctor.Tests.Maintenance;
using Doctor.Workflows.Faults;
using Microsoft.Extensions.DependencyInjection;

namespace Doctor.Tests.Faults;

/// <summary>
/// Two nodes on one database and one cloud: an incident opened through one is seen, repeated and resolved through
/// the other (each node's incident book catches up with the store before it decides or answers); one host reported to
/// both at once opens one incident (the host's stream <c>host-{name}</c> admits one declaration per version).
/// </summary>
[Collection("faults-e2e")]
public sealed class TwoNodeFaultTests : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task GivenAHostDownReportedToNodeA_ThenNodeBListsIt_TreatsItsOwnReportAsARepeat_AndResolvesItOnHostUp()
    {
        var cloud = FaultClouds.Create(hosts: 2, vmsPerHost: 3, owners: 2);
        await using var a = await DoctorServer.StartAsync(_db, cloud);
        await using var b = await DoctorServer.StartAsync(_db, cloud);
        // B has looked before A's incident exists: what it knows must be caught up, not merely loaded once.
        Assert.Empty((await b.Client.GetJsonAsync("/v1/incidents")).AsArray());

        var opened = (await a.Client.PutEventsAsync(FaultApi.HostDown("compute-0")))["incidents"]![0]!;
        Assert.Equal("fence", opened["verdict"]!.GetValue<string>());
        var incidentId = opened["incident_id"]!.GetValue<string>();
        await a.Services.GetRequiredService<FaultInspector>().WhenFencedAsync();

        var listed = (await b.Client.GetJsonAsync("/v1/incidents")).AsArray();
        Assert.Equal(incidentId, Assert.Single(listed)!["incident_id"]!.GetValue<string>());
        var faults = (await b.Client.GetJsonAsync("/v1/faults?virtual_resource_id=compute-0"))["faults"]!.AsArray();
        Assert.NotEmpty(faults);

        var repeated = (await b.Client.PutEventsAsync(FaultApi.HostDown("compute-0")))["incidents"]![0]!;
        Assert.Equal("repeat", repeated["verdict"]!.GetValue<string>());
        Assert.Equal(incidentId, repeated["incident_id"]!.GetValue<string>());

        var recovered = (await b.Client.PutEventsAsync(FaultApi.HostDown("compute-0", "compute.host.up")))["incidents"]![0]!;
        Assert.Equal("recovered", recovered["verdict"]!.GetValue<string>());
        Assert.Equal(incidentId, recovered["incident_id"]!.GetValue<string>());
        Assert.False((await cloud.ListHostsAsync()).Single(h => h.Name == "compute-0").ForcedDown);

        var seenByA = await a.Client.GetJsonAsync($"/v1/incidents/{incidentId}");
        Assert.Equal("resolved", seenByA["status"]!.GetValue<string>());
        Assert.Equal(1, seenByA["repeats"]!.GetValue<int>());
    }

    [Fact]
    public async Task GivenOneHostReportedToBothNodesAtOnce_ThenOneIncidentIsOpened_TheOtherIsARepeat_AndEachOwnerIsToldOnce()
    {
        var cloud = FaultClouds.Create(hosts: 2, vmsPerHost: 3, owners: 2);
        await using var a = await DoctorServer.StartAsync(_db, cloud);
        await using var b = await DoctorServer.StartAsync(_db, cloud);
        await using var consumer = await Doctor.Tests.Notifications.WebhookListener.StartAsync();
        var onHost = (await cloud.ListInstancesAsync("compute-0")).ToList();
        foreach (var vm in onHost)
            await a.Client.CreateEventAlarmAsync(vm.ProjectId, vm.Id, consumer.Url("/failure"));
        // Both books loaded, so neither waits for a first read while the other decides.
        await a.Client.GetJsonAsync("/v1/incidents");
        await b.Client.GetJsonAsync("/v1/incidents");

        const int rounds = 8;
        for (var round = 0; round < rounds; round++)
        {
            // Two monitors (or one behind a load balancer) report the same failure to both nodes in the same instant:
            // both decide before either's append can reach the other.
            var start = new Barrier(2);
            var answers = await Task.WhenAll(new[] { a, b }.Select(node => Task.Run(async () =>
            {
                start.SignalAndWait();
                return (await node.Client.PutEventsAsync(FaultApi.HostDown("compute-0")))["incidents"]![0]!;
            })));

            var verdicts = answers.Select(x => x["verdict"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
            Assert.True(verdicts is ["fence", "repeat"], $"round {round}: {string.Join(", ", verdicts)}; host stream: {await HostStreamAsync()}");
            var incidentId = answers[0]["incident_id"]!.GetValue<string>();
            Assert.Equal(incidentId, answers[1]["incident_id"]!.GetValue<string>());

            await a.Services.GetRequiredService<FaultInspector>().WhenFencedAsync();
            await b.Services.GetRequiredService<FaultInspector>().WhenFencedAsync();
            await consumer.WaitForAcceptedAsync("/failure", onHost.Count * (round + 1));
            await a.Client.PutEventsAsync(FaultApi.HostDown("compute-0", "compute.host.up"));
            foreach (var node in new[] { a, b })
                Assert.Equal("resolved", (await node.Client.GetJsonAsync($"/v1/incidents/{incidentId}"))["status"]!.GetValue<string>());
            var incident = await a.Client.GetJsonAsync($"/v1/incidents/{incidentId}");
            Assert.Equal(1, incident["repeats"]!.GetValue<int>());
        }

        // One incident per round in the store, and every owner told once per round, not twice.
        await using (var count = _db.DataSource.CreateCommand("SELECT count(DISTINCT stream_id) FROM doctor.events WHERE stream_id LIKE 'incident-%'"))
            Assert.Equal((long)rounds, (long)(await count.ExecuteScalarAsync())!);
        await Task.Delay(500);
        Assert.Equal(onHost.Count * rounds, consumer.Accepted("/failure").Count);
    }

    private async Task<string> HostStreamAsync()
    {
        await using var query = _db.DataSource.CreateCommand(
            "SELECT coalesce(string_agg(type || ' v' || version, ', ' ORDER BY seq), 'empty') FROM doctor.events WHERE stream_id = 'host-compute-0'");
        return (string)(await query.ExecuteScalarAsync())!;
    }
}
