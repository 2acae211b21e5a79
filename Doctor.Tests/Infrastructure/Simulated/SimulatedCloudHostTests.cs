using Doctor.Workflows.Infrastructure;
using Doctor.Workflows.Infrastructure.Simulated;
using static Doctor.Tests.Infrastructure.Simulated.TestClouds;

namespace Doctor.Tests.Infrastructure.Simulated;

public class SimulatedCloudHostTests
{
    [Theory]
    [InlineData("normal", false, "UP")]
    [InlineData("error", false, "UP")]
    [InlineData("maintenance", false, "MAINTENANCE")]
    [InlineData("down", false, "DOWN")]
    [InlineData("normal", true, "DOWN")]
    [InlineData("maintenance", true, "DOWN")]
    public async Task HostStatus_IsDerivedFromHostStateAndForceDown(string state, bool forcedDown, string hostStatus)
    {
        var cloud = Seeded([("compute-0", 2)], [Vm("a", "compute-0")]);

        await cloud.SetHostStateAsync("compute-0", state);
        await cloud.SetForcedDownAsync("compute-0", forcedDown);

        Assert.Equal(hostStatus, (await cloud.GetInstanceAsync("a"))!.HostStatus);
        Assert.Equal(hostStatus, Assert.Single(await cloud.ListInstancesAsync(host: "compute-0")).HostStatus);
    }

    [Fact]
    public async Task HostActions_AreVisibleInListings()
    {
        var cloud = WithHosts(("compute-0", 2));

        await cloud.SetComputeEnabledAsync("compute-0", false, "maintenance by session 1");
        await cloud.SetForcedDownAsync("compute-0", true);
        await cloud.SetHostStateAsync("compute-0", "MAINTENANCE");
        await cloud.SetPortsDataPlaneStatusAsync("compute-0", "down");

        Assert.Equal(new ComputeHost("compute-0", 2, 0, false, true, "maintenance"), Assert.Single(await cloud.ListHostsAsync()));
        Assert.Equal(new SimulatedHost("compute-0", 2, 0, false, "maintenance by session 1", true, "maintenance", "DOWN"),
            Assert.Single(cloud.DescribeHosts()));

        await cloud.SetComputeEnabledAsync("compute-0", true, "ignored when enabling");
        Assert.Equal((true, null), (cloud.DescribeHosts()[0].ComputeEnabled, cloud.DescribeHosts()[0].DisabledReason));
    }

    [Fact]
    public async Task HostActions_OnUnknownHostOrWithBadValue_Fail()
    {
        var cloud = WithHosts(("compute-0", 2));

        await Assert.ThrowsAsync<InfrastructureActionFailedException>(() => cloud.SetComputeEnabledAsync("ghost", false, null));
        await Assert.ThrowsAsync<InfrastructureActionFailedException>(() => cloud.SetForcedDownAsync("ghost", true));
        await Assert.ThrowsAsync<InfrastructureActionFailedException>(() => cloud.SetHostStateAsync("ghost", "down"));
        await Assert.ThrowsAsync<InfrastructureActionFailedException>(() => cloud.SetPortsDataPlaneStatusAsync("ghost", "DOWN"));
        var state = await Assert.ThrowsAsync<InfrastructureActionFailedException>(() => cloud.SetHostStateAsync("compute-0", "broken"));
        var ports = await Assert.ThrowsAsync<InfrastructureActionFailedException>(() => cloud.SetPortsDataPlaneStatusAsync("compute-0", "SIDEWAYS"));

        Assert.Contains("broken", state.Reason);
        Assert.Contains("SIDEWAYS", ports.Reason);
        Assert.Equal(new SimulatedHost("compute-0", 2, 0, true, null, false, "normal", "UP"), Assert.Single(cloud.DescribeHosts()));
    }

    [Fact]
    public async Task ResetInstanceState_SetsErrorAndBack_RefusesOtherStatusesAndUnknownInstances()
    {
        var cloud = Seeded([("compute-0", 2)], [Vm("a", "compute-0")]);

        await cloud.ResetInstanceStateAsync("a", "error");
        Assert.Equal("ERROR", (await cloud.GetInstanceAsync("a"))!.Status);
        await cloud.ResetInstanceStateAsync("a", "ACTIVE");
        Assert.Equal("ACTIVE", (await cloud.GetInstanceAsync("a"))!.Status);

        await Assert.ThrowsAsync<InfrastructureActionFailedException>(() => cloud.ResetInstanceStateAsync("a", "MIGRATING"));
        await Assert.ThrowsAsync<InfrastructureActionFailedException>(() => cloud.ResetInstanceStateAsync("ghost", "ERROR"));
    }

    [Fact]
    public async Task MoveFloatingIp_TakesItOffThePreviousHolder()
    {
        var cloud = Seeded([("compute-0", 2), ("compute-1", 2)], [Vm("ha-0", "compute-0", floatingIp: "172.24.4.10"), Vm("ha-1", "compute-1")]);
        var recorder = new ChangeRecorder(cloud);

        var moved = cloud.MoveFloatingIp("172.24.4.10", "ha-1");

        Assert.Equal("172.24.4.10", moved!.FloatingIp);
        Assert.Null((await cloud.GetInstanceAsync("ha-0"))!.FloatingIp);
        Assert.Equal("172.24.4.10", (await cloud.GetInstanceAsync("ha-1"))!.FloatingIp);
        Assert.Equal([("instance.updated", "ha-0"), ("instance.updated", "ha-1")], recorder.Changes.Select(c => (c.Kind, c.InstanceId!)));

        // Moving it where it already is changes nothing.
        cloud.MoveFloatingIp("172.24.4.10", "ha-1");
        Assert.Equal(2, recorder.Changes.Count);
    }

    [Fact]
    public void MoveFloatingIp_NewIp_IsAllocated_UnknownInstanceIsNull_SecondIpIsRefused_BadIpIsInvalid()
    {
        var cloud = Seeded([("compute-0", 2)], [Vm("a", "compute-0"), Vm("b", "compute-0", floatingIp: "10.0.0.2")]);

        Assert.Equal("10.0.0.1", cloud.MoveFloatingIp("10.0.0.1", "a")!.FloatingIp);
        Assert.Null(cloud.MoveFloatingIp("10.0.0.9", "ghost"));
        var second = Assert.Throws<InfrastructureActionFailedException>(() => cloud.MoveFloatingIp("10.0.0.1", "b"));
        Assert.Contains("already has floating IP 10.0.0.2", second.Reason);
        Assert.Equal("ip: 'not-an-ip' is not an IP address", Assert.Throws<SimulatedCloudValidationException>(() => cloud.MoveFloatingIp("not-an-ip", "a")).Message);
        Assert.Throws<SimulatedCloudValidationException>(() => cloud.MoveFloatingIp("10.1", "a"));
        Assert.Equal("10.0.0.1", cloud.Snapshot().Instances.Single(i => i.Id == "a").FloatingIp);
    }

    [Fact]
    public async Task Changed_IsRaisedOncePerChange_AndNotForNoOps()
    {
        var cloud = Seeded([("compute-0", 2), ("compute-1", 2)], [Vm("a", "compute-0")]);
        var recorder = new ChangeRecorder(cloud);

        await cloud.SetComputeEnabledAsync("compute-0", false, "m");
        await cloud.SetComputeEnabledAsync("compute-0", false, "m"); // no-op
        await cloud.SetForcedDownAsync("compute-0", true);
        await cloud.SetForcedDownAsync("compute-0", true); // no-op
        await cloud.SetHostStateAsync("compute-0", "maintenance");
        await cloud.SetPortsDataPlaneStatusAsync("compute-0", "DOWN");
        await cloud.SetForcedDownAsync("compute-0", false);
        var created = cloud.CreateInstance("p2", "b", 1);
        await cloud.ResetInstanceStateAsync("a", "ERROR");
        await cloud.ResetInstanceStateAsync("a", "ACTIVE");
        await cloud.MigrateAsync("a", live: true);
        cloud.MoveFloatingIp("10.0.0.1", "a");
        cloud.DeleteInstance(created.Id);
        cloud.Seed(SimulatedTopology.Empty);

        Assert.Equal(
        [
            new InfrastructureChange("host.updated", null, "compute-0", null),
            new InfrastructureChange("host.updated", null, "compute-0", null),
            new InfrastructureChange("host.updated", null, "compute-0", null),
            new InfrastructureChange("host.updated", null, "compute-0", null),
            new InfrastructureChange("host.updated", null, "compute-0", null),
            new InfrastructureChange("instance.created", created.Id, "compute-1", "p2"),
            new InfrastructureChange("instance.updated", "a", "compute-0", "p1"),
            new InfrastructureChange("instance.updated", "a", "compute-0", "p1"),
            new InfrastructureChange("instance.moved", "a", "compute-1", "p1"),
            new InfrastructureChange("instance.updated", "a", "compute-1", "p1"),
            new InfrastructureChange("instance.deleted", created.Id, "compute-1", "p2"),
            new InfrastructureChange("topology.replaced", null, null, null),
        ], recorder.Changes);
    }

    [Fact]
    public async Task Changed_HandlerMayCallBackIntoTheCloud_AndAFailingHandlerDoesNotFailTheAction()
    {
        var cloud = Seeded([("compute-0", 2), ("compute-1", 2)], [Vm("a", "compute-0")]);
        var seen = new List<string>();
        cloud.Changed += _ => throw new InvalidOperationException("broken cache");
        // Raised outside the lock: reading the cloud from a handler must not deadlock.
        cloud.Changed += c => seen.Add(cloud.GetInstanceAsync(c.InstanceId!).Result!.Host);

        var moved = await cloud.MigrateAsync("a", live: false);

        Assert.Equal("compute-1", moved.Host);
        Assert.Equal(["compute-1"], seen);
    }
}
