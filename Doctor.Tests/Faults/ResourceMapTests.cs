using Doctor.Workflows.Faults;
using Doctor.Workflows.Infrastructure;
using Doctor.Workflows.Infrastructure.Simulated;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Doctor.Tests.Faults;

/// <summary>The resource map follows the cloud's changes, and a re-snapshot corrects (and counts) what the feed missed.</summary>
public class ResourceMapTests
{
    private static async Task<(SimulatedCloud Cloud, ResourceMap Map, ResourceMapSync Sync)> StartAsync()
    {
        var cloud = FaultClouds.Create(hosts: 3, vmsPerHost: 2, owners: 2);
        var map = new ResourceMap();
        var sync = new ResourceMapSync(map, cloud, Options.Create(new FaultOptions { ResnapshotInterval = TimeSpan.FromHours(1) }), TimeProvider.System,
            NullLogger<ResourceMapSync>.Instance);
        await sync.StartAsync(CancellationToken.None);
        return (cloud, map, sync);
    }

    [Fact]
    public async Task GivenLoadedMap_WhenInstancesCreatedDeletedMigrated_ThenMapFollows()
    {
        var (cloud, map, sync) = await StartAsync();
        try
        {
            Assert.Equal(6, map.InstanceCount);
            Assert.Equal(["vm-0-0", "vm-0-1"], map.Host("compute-0")!.Instances.Select(i => i.InstanceId));

            var created = cloud.CreateInstance("project-9", "new", 1);
            cloud.DeleteInstance("vm-1-0");
            var moved = await cloud.MigrateAsync("vm-0-0", live: true);

            Assert.Equal((created.Host, "project-9"), map.Instance(created.Id));
            Assert.Null(map.Instance("vm-1-0"));
            Assert.Equal(moved.Host, map.Instance("vm-0-0")!.Value.Host);
            Assert.DoesNotContain(map.Host("compute-0")!.Instances, i => i.InstanceId == "vm-0-0");
            Assert.Contains(map.Host(moved.Host)!.Instances, i => i.InstanceId == "vm-0-0");
            Assert.Equal(0, await sync.SnapshotAsync(countDrift: true, CancellationToken.None));
        }
        finally
        {
            await sync.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task GivenChangesTheFeedMissed_WhenResnapshot_ThenDriftCorrectedAndCounted()
    {
        var (cloud, map, sync) = await StartAsync();
        try
        {
            // Detached from the feed, as if the driver's notifications were lost.
            await sync.StopAsync(CancellationToken.None);
            cloud.CreateInstance("project-7", "missed", 1, id: "missed-vm");
            cloud.DeleteInstance("vm-2-1");
            Assert.Null(map.Instance("missed-vm"));

            var drift = await sync.SnapshotAsync(countDrift: true, CancellationToken.None);

            Assert.Equal(2, drift);
            Assert.Equal(2, map.DriftCorrected);
            Assert.NotNull(map.Instance("missed-vm"));
            Assert.Null(map.Instance("vm-2-1"));
        }
        finally
        {
            await sync.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task GivenHostEntersMaintenance_ThenMapSeesItsState()
    {
        var (cloud, map, sync) = await StartAsync();
        try
        {
            await cloud.SetHostStateAsync("compute-1", "maintenance");
            await FaultApi.EventuallyAsync(() => Task.FromResult(map.Host("compute-1")!.InMaintenance), "compute-1 in maintenance in the map", 30);
        }
        finally
        {
            await sync.StopAsync(CancellationToken.None);
        }
    }
}
