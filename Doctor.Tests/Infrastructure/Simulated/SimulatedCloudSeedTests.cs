using Doctor.Workflows.Infrastructure.Simulated;
using static Doctor.Tests.Infrastructure.Simulated.TestClouds;

namespace Doctor.Tests.Infrastructure.Simulated;

public class SimulatedCloudSeedTests
{
    private static readonly SimulatedHostSeed[] TwoHosts = [new("compute-0", 2), new("compute-1", 2)];

    public static TheoryData<SimulatedHostSeed[], SimulatedInstanceSeed[], string> BadSeeds => new()
    {
        { [new("", 2)], [], "hosts[0].name: required" },
        { [new("compute-0", 0)], [], "hosts[0].vcpus: must be between 1 and 1048576, got 0" },
        { [new("compute-0", 2_000_000)], [], "hosts[0].vcpus: must be between 1 and 1048576, got 2000000" },
        { [new("compute-0", 2), new("compute-0", 4)], [], "hosts[1].name: duplicate host 'compute-0'" },
        { TwoHosts, [new(null, "a", "compute-9", "p1", 1)], "instances[0].host: unknown host 'compute-9'" },
        { TwoHosts, [new(null, "a", "", "p1", 1)], "instances[0].host: required" },
        { TwoHosts, [new(null, "", "compute-0", "p1", 1)], "instances[0].name: required" },
        { TwoHosts, [new(null, "a", "compute-0", " ", 1)], "instances[0].project_id: required" },
        { TwoHosts, [new(null, "a", "compute-0", "p1", 0)], "instances[0].vcpus: must be between 1 and 1024, got 0" },
        { TwoHosts, [new("", "a", "compute-0", "p1", 1)], "instances[0].id: required" },
        { TwoHosts, [Vm("a", "compute-0"), Vm("a", "compute-1")], "instances[1].id: duplicate instance id 'a'" },
        {
            TwoHosts, [Vm("a", "compute-0"), Vm("b", "compute-0", 2)],
            "instances[1].host: host 'compute-0' has 1 of 2 vCPUs free, instance 'b' needs 2"
        },
        { TwoHosts, [Vm("a", "compute-0", floatingIp: "nope")], "instances[0].floating_ip: 'nope' is not an IP address" },
        {
            TwoHosts, [Vm("a", "compute-0", floatingIp: "10.0.0.1"), Vm("b", "compute-1", floatingIp: "10.0.0.1")],
            "instances[1].floating_ip: floating IP 10.0.0.1 is already on another instance"
        },
    };

    [Theory]
    [MemberData(nameof(BadSeeds))]
    public void Seed_WithBadInput_ThrowsNamingTheItem_AndKeepsTheOldTopology(SimulatedHostSeed[] hosts, SimulatedInstanceSeed[] instances, string message)
    {
        var cloud = new SimulatedCloud(new SimulatedCloudOptions { Topology = "doctor-test" });
        var before = cloud.Snapshot();
        var recorder = new ChangeRecorder(cloud);

        var e = Assert.Throws<SimulatedCloudValidationException>(() => cloud.Seed(hosts, instances));

        Assert.Equal(message, e.Message);
        Assert.Equal(before.Hosts, cloud.Snapshot().Hosts);
        Assert.Equal(before.Instances, cloud.Snapshot().Instances);
        Assert.Empty(recorder.Changes);
    }

    [Fact]
    public async Task Seed_ReplacesTheTopology_AndGivesIdlessInstancesAUuid()
    {
        var cloud = new SimulatedCloud(new SimulatedCloudOptions { Topology = "demo" });

        cloud.Seed(TwoHosts, [new(null, "web", "compute-1", "p9", 2, "10.0.0.7")]);

        var instance = Assert.Single(await cloud.ListInstancesAsync());
        Assert.True(Guid.TryParse(instance.Id, out _));
        Assert.Equal(("web", "compute-1", "p9", "ACTIVE", "UP", "10.0.0.7", 2),
            (instance.Name, instance.Host, instance.ProjectId, instance.Status, instance.HostStatus, instance.FloatingIp, instance.Vcpus));
        Assert.Equal([("compute-0", 0), ("compute-1", 2)], (await cloud.ListHostsAsync()).Select(h => (h.Name, h.VcpusUsed)));
        Assert.Empty(await cloud.ListInstancesAsync(projectId: "demo-a"));
    }

    [Fact]
    public async Task Seed_ResetsHostFlags()
    {
        var cloud = WithHosts(("compute-0", 2));
        await cloud.SetForcedDownAsync("compute-0", true);
        await cloud.SetComputeEnabledAsync("compute-0", false, "x");

        cloud.Seed(TwoHosts, []);

        Assert.All(cloud.DescribeHosts(), h => Assert.Equal((true, false, "normal", "UP"), (h.ComputeEnabled, h.ForcedDown, h.State, h.PortsDataPlaneStatus)));
    }

    [Fact]
    public async Task DoctorTestTopology_IsFullWithHaPairOnDifferentHostsAndFloatingIpOnHa0()
    {
        var cloud = new SimulatedCloud(new SimulatedCloudOptions { Topology = "doctor-test" });

        var hosts = await cloud.ListHostsAsync();
        var instances = await cloud.ListInstancesAsync(projectId: SimulatedTopologies.DoctorTestProject);

        Assert.Equal(["compute-0", "compute-1", "compute-2"], hosts.Select(h => h.Name));
        Assert.All(hosts, h => Assert.Equal((2, 2), (h.Vcpus, h.VcpusUsed)));
        Assert.Equal(["ha-0", "ha-1", "nonha-0", "nonha-1", "nonha-2", "nonha-3"], instances.Select(i => i.Id));
        Assert.All(instances, i => Assert.Equal((i.Id, 1, "ACTIVE"), (i.Name, i.Vcpus, i.Status)));
        var ha0 = instances.Single(i => i.Id == "ha-0");
        var ha1 = instances.Single(i => i.Id == "ha-1");
        Assert.NotEqual(ha0.Host, ha1.Host);
        Assert.Equal(SimulatedTopologies.DoctorTestFloatingIp, ha0.FloatingIp);
        Assert.Single(instances, i => i.FloatingIp is not null);
    }

    [Fact]
    public async Task DemoTopology_HasTwoProjectsOnThreeHostsWithRoomToEmptyOne()
    {
        var cloud = new SimulatedCloud(new SimulatedCloudOptions());

        var hosts = await cloud.ListHostsAsync();

        Assert.Equal(["compute-0", "compute-1", "compute-2"], hosts.Select(h => h.Name));
        Assert.All(hosts, h => Assert.Equal(4, h.Vcpus));
        Assert.NotEmpty(await cloud.ListInstancesAsync(projectId: "demo-a"));
        Assert.NotEmpty(await cloud.ListInstancesAsync(projectId: "demo-b"));
        foreach (var host in hosts)
            Assert.True(hosts.Where(h => h != host).Sum(h => h.VcpusFree) >= host.VcpusUsed);
    }

    [Theory]
    [InlineData("empty", 0)]
    [InlineData("EMPTY", 0)]
    [InlineData("demo", 3)]
    [InlineData("doctor-test", 3)]
    public void Constructor_SeedsTheNamedTopology(string name, int hosts)
    {
        Assert.Equal(hosts, new SimulatedCloud(new SimulatedCloudOptions { Topology = name }).DescribeHosts().Count);
    }

    [Fact]
    public void Constructor_WithUnknownTopologyOrNegativeLatency_Throws()
    {
        var topology = Assert.Throws<ArgumentException>(() => new SimulatedCloud(new SimulatedCloudOptions { Topology = "huge" }));
        Assert.Contains("Doctor:Simulated:Topology: unknown topology 'huge'", topology.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SimulatedCloud(new SimulatedCloudOptions { ActionLatencyMs = -1 }));
    }
}
