using Doctor.Workflows.Infrastructure;
using Doctor.Workflows.Infrastructure.Simulated;
using static Doctor.Tests.Infrastructure.Simulated.TestClouds;

namespace Doctor.Tests.Infrastructure.Simulated;

public class SimulatedCloudSchedulerTests
{
    [Fact]
    public async Task CreateInstance_PlacesOnHostWithMostFreeVcpus()
    {
        var cloud = Seeded([("compute-0", 4), ("compute-1", 8), ("compute-2", 8)], [Vm("a", "compute-1", 3)]);

        var created = cloud.CreateInstance("p1", "web", 2);

        Assert.Equal("compute-2", created.Host);
        Assert.Equal(("p1", "web", 2, "ACTIVE", "UP"), (created.ProjectId, created.Name, created.Vcpus, created.Status, created.HostStatus));
        Assert.True(Guid.TryParse(created.Id, out _));
        Assert.Equal(created, await cloud.GetInstanceAsync(created.Id));
        var hosts = await cloud.ListHostsAsync();
        Assert.Equal(2, hosts.Single(h => h.Name == "compute-2").VcpusUsed);
    }

    [Fact]
    public void CreateInstance_WithTiedHosts_PicksFirstByName()
    {
        var cloud = WithHosts(("compute-b", 4), ("compute-a", 4), ("compute-c", 4));

        Assert.Equal("compute-a", cloud.CreateInstance("p1", "x", 1).Host);
        Assert.Equal("compute-b", cloud.CreateInstance("p1", "y", 1).Host);
        Assert.Equal("compute-c", cloud.CreateInstance("p1", "z", 1).Host);
    }

    [Fact]
    public async Task CreateInstance_SkipsDisabledMaintenanceDownErrorAndForcedDownHosts()
    {
        var cloud = WithHosts(("h-disabled", 64), ("h-maintenance", 64), ("h-down", 64), ("h-error", 64), ("h-forced", 64), ("h-small", 1));
        await cloud.SetComputeEnabledAsync("h-disabled", false, "maintenance");
        await cloud.SetHostStateAsync("h-maintenance", "maintenance");
        await cloud.SetHostStateAsync("h-down", "down");
        await cloud.SetHostStateAsync("h-error", "error");
        await cloud.SetForcedDownAsync("h-forced", true);

        Assert.Equal("h-small", cloud.CreateInstance("p1", "only-fit", 1).Host);
        var full = Assert.Throws<InfrastructureActionFailedException>(() => cloud.CreateInstance("p1", "no-fit", 1));
        Assert.Equal(("create", "no-fit"), (full.Action, full.Target));
    }

    [Fact]
    public async Task CreateInstance_WhenNoHostFits_FailsAndChangesNothing()
    {
        var cloud = WithHosts(("compute-0", 2), ("compute-1", 2));
        var before = cloud.Snapshot();

        var e = Assert.Throws<InfrastructureActionFailedException>(() => cloud.CreateInstance("p1", "big", 3));

        Assert.Equal("create", e.Action);
        Assert.Contains("3 free vCPUs", e.Reason);
        Assert.Equal(before.Hosts, cloud.Snapshot().Hosts);
        Assert.Empty(await cloud.ListInstancesAsync());
    }

    [Theory]
    [InlineData("", "n", 1, null, "project_id: required")]
    [InlineData("p1", " ", 1, null, "name: required")]
    [InlineData("p1", "n", 0, null, "vcpus: must be between 1 and 1024, got 0")]
    [InlineData("p1", "n", -2, null, "vcpus: must be between 1 and 1024, got -2")]
    [InlineData("p1", "n", 1025, null, "vcpus: must be between 1 and 1024, got 1025")]
    [InlineData("p1", "n", 1, "", "id: required")]
    [InlineData("p1", "n", 1, "a", "id: an instance with id 'a' already exists")]
    public void CreateInstance_WithBadInput_ThrowsValidationNamingTheField(string project, string name, int vcpus, string? id, string message)
    {
        var cloud = Seeded([("compute-0", 4)], [Vm("a", "compute-0")]);

        var e = Assert.Throws<SimulatedCloudValidationException>(() => cloud.CreateInstance(project, name, vcpus, id));

        Assert.Equal(message, e.Message);
        Assert.Single(cloud.Snapshot().Instances);
    }

    [Fact]
    public async Task CreateInstance_WithId_KeepsIdAndIndexesByHostAndProject()
    {
        var cloud = WithHosts(("compute-0", 4));

        cloud.CreateInstance("p2", "db", 1, id: "db-1");

        Assert.Equal("db-1", Assert.Single(await cloud.ListInstancesAsync(projectId: "p2")).Id);
        Assert.Equal("db-1", Assert.Single(await cloud.ListInstancesAsync(host: "compute-0", projectId: "p2")).Id);
        Assert.Empty(await cloud.ListInstancesAsync(host: "compute-0", projectId: "p1"));
        Assert.Empty(await cloud.ListInstancesAsync(host: "nowhere"));
    }

    [Fact]
    public async Task DeleteInstance_ReleasesVcpusAndFloatingIp()
    {
        var cloud = Seeded([("compute-0", 2)], [Vm("a", "compute-0", 2, floatingIp: "10.0.0.1")]);

        Assert.True(cloud.DeleteInstance("a"));

        Assert.False(cloud.DeleteInstance("a"));
        Assert.Null(await cloud.GetInstanceAsync("a"));
        Assert.Equal(0, (await cloud.ListHostsAsync()).Single().VcpusUsed);
        Assert.Empty(await cloud.ListInstancesAsync(projectId: "p1"));
        var b = cloud.CreateInstance("p1", "b", 2);
        Assert.Equal("10.0.0.1", cloud.MoveFloatingIp("10.0.0.1", b.Id)!.FloatingIp);
    }

    [Fact]
    public async Task ListInstances_IsOrderedById()
    {
        var cloud = Seeded([("compute-0", 4), ("compute-1", 4)],
            [Vm("c", "compute-0"), Vm("a", "compute-1"), Vm("b", "compute-0", project: "p2")]);

        Assert.Equal(["a", "b", "c"], (await cloud.ListInstancesAsync()).Select(i => i.Id));
        Assert.Equal(["b", "c"], (await cloud.ListInstancesAsync(host: "compute-0")).Select(i => i.Id));
        Assert.Equal(["a", "c"], (await cloud.ListInstancesAsync(projectId: "p1")).Select(i => i.Id));
    }
}
