using Doctor.Workflows.Infrastructure;
using Doctor.Workflows.Infrastructure.Simulated;
using static Doctor.Tests.Infrastructure.Simulated.TestClouds;

namespace Doctor.Tests.Infrastructure.Simulated;

public class SimulatedCloudMigrationTests
{
    private static readonly TimeSpan Latency = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Migrate_MovesToHostWithMostRoomAndKeepsFloatingIp(bool live)
    {
        var cloud = Seeded([("compute-0", 4), ("compute-1", 4), ("compute-2", 4)],
            [Vm("a", "compute-0", 2, floatingIp: "10.0.0.5"), Vm("b", "compute-1", 1)]);

        var moved = await cloud.MigrateAsync("a", live);

        Assert.Equal(("compute-2", "ACTIVE", "10.0.0.5"), (moved.Host, moved.Status, moved.FloatingIp));
        Assert.Equal(moved, await cloud.GetInstanceAsync("a"));
        var used = (await cloud.ListHostsAsync()).ToDictionary(h => h.Name, h => h.VcpusUsed);
        Assert.Equal(new Dictionary<string, int> { ["compute-0"] = 0, ["compute-1"] = 1, ["compute-2"] = 2 }, used);
        Assert.Empty(await cloud.ListInstancesAsync(host: "compute-0"));
        Assert.Equal("a", Assert.Single(await cloud.ListInstancesAsync(host: "compute-2")).Id);
    }

    [Fact]
    public async Task Migrate_NeverTargetsDisabledMaintenanceDownErrorForcedDownOrSourceHost()
    {
        // The source has room left, every other host but "target" is unfit, and "target" starts full.
        var cloud = Seeded(
            [("source", 4), ("disabled", 64), ("maintenance", 64), ("down", 64), ("error", 64), ("forced", 64), ("target", 1)],
            [Vm("a", "source"), Vm("filler", "target")]);
        await cloud.SetComputeEnabledAsync("disabled", false, null);
        await cloud.SetHostStateAsync("maintenance", "maintenance");
        await cloud.SetHostStateAsync("down", "down");
        await cloud.SetHostStateAsync("error", "error");
        await cloud.SetForcedDownAsync("forced", true);

        var e = await Assert.ThrowsAsync<InfrastructureActionFailedException>(() => cloud.MigrateAsync("a", live: false));
        Assert.Equal(("migrate", "a"), (e.Action, e.Target));
        Assert.Equal("source", (await cloud.GetInstanceAsync("a"))!.Host);

        cloud.DeleteInstance("filler");
        Assert.Equal("target", (await cloud.MigrateAsync("a", live: true)).Host);
    }

    [Fact]
    public async Task Migrate_FromDisabledSourceHost_Works()
    {
        // Fenix disables a host's compute service before emptying it.
        var cloud = Seeded([("compute-0", 2), ("compute-1", 2)], [Vm("a", "compute-0")]);
        await cloud.SetComputeEnabledAsync("compute-0", false, "maintenance");
        await cloud.SetHostStateAsync("compute-0", "maintenance");

        Assert.Equal("compute-1", (await cloud.MigrateAsync("a", live: true)).Host);
    }

    [Fact]
    public async Task Migrate_WhenNoRoom_FailsAndChangesNothing()
    {
        var cloud = Seeded([("compute-0", 2), ("compute-1", 1)], [Vm("a", "compute-0", 2)]);
        var before = cloud.Snapshot();

        var e = await Assert.ThrowsAsync<InfrastructureActionFailedException>(() => cloud.MigrateAsync("a", live: true));

        Assert.Equal("live-migrate", e.Action);
        Assert.Contains("2 free vCPUs", e.Reason);
        Assert.Equal(before.Hosts, cloud.Snapshot().Hosts);
        Assert.Equal(before.Instances, cloud.Snapshot().Instances);
    }

    [Fact]
    public async Task Migrate_UnknownInstance_Fails()
    {
        var cloud = WithHosts(("compute-0", 2));

        var e = await Assert.ThrowsAsync<InfrastructureActionFailedException>(() => cloud.MigrateAsync("ghost", live: false));

        Assert.Equal(("migrate", "ghost", "no such instance"), (e.Action, e.Target, e.Reason));
    }

    [Fact]
    public async Task Migrate_ErrorInstanceOrDownSource_Fails()
    {
        var cloud = Seeded([("compute-0", 2), ("compute-1", 2), ("compute-2", 2)], [Vm("a", "compute-0"), Vm("b", "compute-1")]);
        await cloud.ResetInstanceStateAsync("a", "ERROR");
        await cloud.SetForcedDownAsync("compute-1", true);

        var error = await Assert.ThrowsAsync<InfrastructureActionFailedException>(() => cloud.MigrateAsync("a", live: false));
        var down = await Assert.ThrowsAsync<InfrastructureActionFailedException>(() => cloud.MigrateAsync("b", live: false));

        Assert.Contains("ERROR", error.Reason);
        Assert.Contains("down", down.Reason);
    }

    [Fact]
    public async Task Migrate_WithLatency_ShowsMigratingAndHoldsBothHostsUntilLatencyPassed()
    {
        var clock = new ManualTimeProvider();
        var cloud = Seeded([("compute-0", 2), ("compute-1", 2)], [Vm("a", "compute-0", 2)],
            new SimulatedCloudOptions { Topology = "empty", ActionLatency = Latency }, clock);
        var recorder = new ChangeRecorder(cloud);

        var migration = cloud.MigrateAsync("a", live: true);

        var during = await cloud.GetInstanceAsync("a");
        Assert.Equal(("MIGRATING", "compute-0"), (during!.Status, during.Host));
        Assert.All(await cloud.ListHostsAsync(), h => Assert.Equal(2, h.VcpusUsed));
        Assert.False(migration.IsCompleted);
        Assert.Equal(InfrastructureChange.InstanceUpdated, Assert.Single(recorder.Changes).Kind);
        // A second migration of the same instance is refused while the first runs.
        await Assert.ThrowsAsync<InfrastructureActionFailedException>(() => cloud.MigrateAsync("a", live: false));

        clock.Advance(Latency - TimeSpan.FromMilliseconds(1));
        Assert.False(migration.IsCompleted);
        Assert.Equal("MIGRATING", (await cloud.GetInstanceAsync("a"))!.Status);

        clock.Advance(TimeSpan.FromMilliseconds(1));
        var moved = await migration;

        Assert.Equal(("ACTIVE", "compute-1"), (moved.Status, moved.Host));
        Assert.Equal(moved, await cloud.GetInstanceAsync("a"));
        Assert.Equal([0, 2], (await cloud.ListHostsAsync()).Select(h => h.VcpusUsed));
        Assert.Equal([InfrastructureChange.InstanceUpdated, InfrastructureChange.InstanceMoved], recorder.Changes.Select(c => c.Kind));
        Assert.Equal("compute-1", recorder.Changes[1].Host);
    }

    [Fact]
    public async Task Migrate_CancelledDuringLatency_PutsInstanceBack()
    {
        var clock = new ManualTimeProvider();
        var cloud = Seeded([("compute-0", 2), ("compute-1", 2)], [Vm("a", "compute-0", 2)],
            new SimulatedCloudOptions { Topology = "empty", ActionLatency = Latency }, clock);
        using var cts = new CancellationTokenSource();

        var migration = cloud.MigrateAsync("a", live: false, cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => migration);
        var instance = await cloud.GetInstanceAsync("a");
        Assert.Equal(("ACTIVE", "compute-0"), (instance!.Status, instance.Host));
        Assert.Equal([2, 0], (await cloud.ListHostsAsync()).Select(h => h.VcpusUsed));
        Assert.Equal(0, clock.PendingTimers);
    }

    [Fact]
    public async Task Migrate_InstanceDeletedDuringLatency_FailsAndReleasesReservation()
    {
        var clock = new ManualTimeProvider();
        var cloud = Seeded([("compute-0", 2), ("compute-1", 2)], [Vm("a", "compute-0", 2)],
            new SimulatedCloudOptions { Topology = "empty", ActionLatency = Latency }, clock);

        var migration = cloud.MigrateAsync("a", live: false);
        Assert.True(cloud.DeleteInstance("a"));
        clock.Advance(Latency);

        await Assert.ThrowsAsync<InfrastructureActionFailedException>(() => migration);
        Assert.All(await cloud.ListHostsAsync(), h => Assert.Equal(0, h.VcpusUsed));
        Assert.Empty(await cloud.ListInstancesAsync());
    }

    [Fact]
    public async Task Migrate_InstanceResetToErrorDuringLatency_FailsAndStaysOnSource()
    {
        var clock = new ManualTimeProvider();
        var cloud = Seeded([("compute-0", 2), ("compute-1", 2)], [Vm("a", "compute-0", 2)],
            new SimulatedCloudOptions { Topology = "empty", ActionLatency = Latency }, clock);

        var migration = cloud.MigrateAsync("a", live: true);
        await cloud.ResetInstanceStateAsync("a", "ERROR");
        clock.Advance(Latency);

        await Assert.ThrowsAsync<InfrastructureActionFailedException>(() => migration);
        var instance = await cloud.GetInstanceAsync("a");
        Assert.Equal(("ERROR", "compute-0"), (instance!.Status, instance.Host));
        Assert.Equal([2, 0], (await cloud.ListHostsAsync()).Select(h => h.VcpusUsed));
    }

    [Fact]
    public async Task Migrate_TopologyReseededDuringLatency_FailsWithoutTouchingNewTopology()
    {
        var clock = new ManualTimeProvider();
        var cloud = Seeded([("compute-0", 2), ("compute-1", 2)], [Vm("a", "compute-0", 2)],
            new SimulatedCloudOptions { Topology = "empty", ActionLatency = Latency }, clock);

        var migration = cloud.MigrateAsync("a", live: true);
        cloud.Seed([new SimulatedHostSeed("compute-0", 2), new SimulatedHostSeed("compute-1", 2)], [Vm("a", "compute-0", 2)]);
        clock.Advance(Latency);

        await Assert.ThrowsAsync<InfrastructureActionFailedException>(() => migration);
        Assert.Equal(("ACTIVE", "compute-0"), ((await cloud.GetInstanceAsync("a"))!.Status, (await cloud.GetInstanceAsync("a"))!.Host));
        Assert.Equal([2, 0], (await cloud.ListHostsAsync()).Select(h => h.VcpusUsed));
    }

    [Fact]
    public async Task Migrate_WithLatency_ReservationKeepsOthersOffTheTarget()
    {
        var clock = new ManualTimeProvider();
        var cloud = Seeded([("compute-0", 2), ("compute-1", 2)], [Vm("a", "compute-0", 2)],
            new SimulatedCloudOptions { Topology = "empty", ActionLatency = Latency }, clock);

        var migration = cloud.MigrateAsync("a", live: true);

        Assert.Throws<InfrastructureActionFailedException>(() => cloud.CreateInstance("p1", "squatter", 1));
        clock.Advance(Latency);
        await migration;
        Assert.Equal("compute-0", cloud.CreateInstance("p1", "late", 1).Host);
    }
}
