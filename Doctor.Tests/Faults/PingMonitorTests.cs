using Doctor.Tests.Infrastructure;
using Doctor.Tests.Maintenance;
using Doctor.Tests.Notifications;
using Doctor.Workflows.Faults;
using Microsoft.Extensions.DependencyInjection;

namespace Doctor.Tests.Faults;

/// <summary>The built-in ping monitor against a real address in a network namespace whose link is taken down and up.</summary>
[Collection("faults-e2e")]
public sealed class PingMonitorTests : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task GivenPingedHost_WhenLinkGoesDown_ThenIncidentAndConsumerNotified_AndWhenBack_ThenResolved()
    {
        using var ns = NetworkNamespace.Create();
        var cloud = FaultClouds.Create(hosts: 2, vmsPerHost: 2, owners: 1);
        await using var consumer = await WebhookListener.StartAsync();
        await using var server = await DoctorServer.StartAsync(_db, cloud, new Dictionary<string, string?>
        {
            ["Doctor:Faults:PingMonitor:Hosts:compute-0"] = ns.Address,
            ["Doctor:Faults:PingMonitor:Interval"] = "00:00:00.100",
            ["Doctor:Faults:PingMonitor:Timeout"] = "00:00:00.200",
            ["Doctor:Faults:PingMonitor:Misses"] = "3",
        });
        foreach (var vm in await cloud.ListInstancesAsync("compute-0"))
            await server.Client.CreateEventAlarmAsync(vm.ProjectId, vm.Id, consumer.Url("/failure"));
        var book = server.Services.GetRequiredService<IncidentBook>();

        // While the address answers, nothing happens.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Empty(book.All());

        ns.LinkDown();
        await consumer.WaitForAcceptedAsync("/failure", 2);
        var incident = Assert.Single(book.All());
        Assert.Equal(("compute-0", "compute.host.down", "ping"), (incident.Fault!.Host, incident.Fault.FaultType, incident.Fault.Source));
        await FaultApi.EventuallyAsync(async () => (await cloud.ListHostsAsync()).Single(h => h.Name == "compute-0").ForcedDown, "compute-0 forced down");

        ns.LinkUp();
        await FaultApi.EventuallyAsync(() => Task.FromResult(book.Get(incident.IncidentId!)!.Value.State.ResolvedAt is not null), "incident resolved after pings return");
        Assert.False((await cloud.ListHostsAsync()).Single(h => h.Name == "compute-0").ForcedDown);
    }
}
