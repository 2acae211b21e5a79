using Doctor.Tests.Infrastructure;
using Doctor.Tests.Maintenance;
using Doctor.Workflows.Faults;
using Microsoft.Extensions.DependencyInjection;

namespace Doctor.Tests.Faults;

/// <summary>
/// Two nodes on one database and one cloud: an incident opened through one is seen, repeated and resolved through
/// the other (each node's incident book catches up with the store before it decides or answers).
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
}
