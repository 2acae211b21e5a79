using Doctor.Workflows.Infrastructure;
using Doctor.Workflows.Infrastructure.Simulated;
using static Doctor.Tests.Infrastructure.Simulated.TestClouds;

namespace Doctor.Tests.Infrastructure.Simulated;

public class SimulatedCloudFailureInjectionTests
{
    private static SimulatedCloud Cloud() =>
        Seeded([("compute-0", 4), ("compute-1", 4), ("compute-2", 4)], [Vm("a", "compute-0"), Vm("b", "compute-0"), Vm("c", "compute-1")]);

    [Fact]
    public async Task InjectedMigrateFailure_FailsNextMatchingMigrationOnceAndChangesNothing()
    {
        var cloud = Cloud();
        cloud.InjectFailure("migrate", "a");

        // Another instance is not affected.
        await cloud.MigrateAsync("b", live: false);
        var e = await Assert.ThrowsAsync<InfrastructureActionFailedException>(() => cloud.MigrateAsync("a", live: false));

        Assert.Equal(("migrate", "a", SimulatedCloud.InjectedFailureReason), (e.Action, e.Target, e.Reason));
        Assert.Equal(("compute-0", "ACTIVE"), ((await cloud.GetInstanceAsync("a"))!.Host, (await cloud.GetInstanceAsync("a"))!.Status));
        // Used up: the retry succeeds.
        Assert.Equal("compute-1", (await cloud.MigrateAsync("a", live: false)).Host);
        Assert.Empty(cloud.Snapshot().PendingFailures);
    }

    [Fact]
    public async Task InjectedWildcardFailure_FailsWhicheverInstanceMigratesNext()
    {
        var cloud = Cloud();
        cloud.InjectFailure("migrate", "*");

        var e = await Assert.ThrowsAsync<InfrastructureActionFailedException>(() => cloud.MigrateAsync("c", live: true));

        // "migrate" covers live migrations too.
        Assert.Equal(("live-migrate", "c"), (e.Action, e.Target));
        await cloud.MigrateAsync("a", live: true);
    }

    [Fact]
    public async Task InjectedFailure_ByHostName_MatchesInstancesOnThatHost()
    {
        var cloud = Cloud();
        cloud.InjectFailure("live-migrate", "compute-1");

        await cloud.MigrateAsync("a", live: true);
        await cloud.MigrateAsync("b", live: false); // cold migration does not match "live-migrate"
        await Assert.ThrowsAsync<InfrastructureActionFailedException>(() => cloud.MigrateAsync("c", live: true));
    }

    [Fact]
    public async Task InjectedFailures_QueueAndEachIsUsedOnce()
    {
        var cloud = Cloud();
        cloud.InjectFailure("*", "*");
        cloud.InjectFailure("force-down", "compute-2");

        await Assert.ThrowsAsync<InfrastructureActionFailedException>(() => cloud.SetForcedDownAsync("compute-2", true));
        var second = await Assert.ThrowsAsync<InfrastructureActionFailedException>(() => cloud.SetForcedDownAsync("compute-2", true));
        await cloud.SetForcedDownAsync("compute-2", true);

        Assert.Equal(("force-down", "compute-2"), (second.Action, second.Target));
        Assert.True((await cloud.ListHostsAsync()).Single(h => h.Name == "compute-2").ForcedDown);
    }

    [Fact]
    public async Task InjectedFailures_CoverEveryAction()
    {
        var cloud = Cloud();
        foreach (var action in SimulatedActions.All)
            cloud.InjectFailure(action, "*");

        Assert.Throws<InfrastructureActionFailedException>(() => cloud.CreateInstance("p1", "n", 1));
        Assert.Throws<InfrastructureActionFailedException>(() => cloud.DeleteInstance("a"));
        await Assert.ThrowsAsync<InfrastructureActionFailedException>(() => cloud.MigrateAsync("a", live: false));
        await Assert.ThrowsAsync<InfrastructureActionFailedException>(() => cloud.MigrateAsync("a", live: true));
        await Assert.ThrowsAsync<InfrastructureActionFailedException>(() => cloud.SetComputeEnabledAsync("compute-0", false, null));
        await Assert.ThrowsAsync<InfrastructureActionFailedException>(() => cloud.SetForcedDownAsync("compute-0", true));
        await Assert.ThrowsAsync<InfrastructureActionFailedException>(() => cloud.SetHostStateAsync("compute-0", "down"));
        await Assert.ThrowsAsync<InfrastructureActionFailedException>(() => cloud.ResetInstanceStateAsync("a", "ERROR"));
        await Assert.ThrowsAsync<InfrastructureActionFailedException>(() => cloud.SetPortsDataPlaneStatusAsync("compute-0", "DOWN"));
        Assert.Throws<InfrastructureActionFailedException>(() => cloud.MoveFloatingIp("10.0.0.1", "a"));

        Assert.Empty(cloud.Snapshot().PendingFailures);
        Assert.Equal(Cloud().Snapshot().Hosts, cloud.Snapshot().Hosts);
        Assert.Equal(Cloud().Snapshot().Instances, cloud.Snapshot().Instances);
    }

    [Fact]
    public async Task ClearFailures_DropsPendingFailures()
    {
        var cloud = Cloud();
        cloud.InjectFailure("migrate", "*");
        cloud.InjectFailure("create", "p1");

        cloud.ClearFailures();

        Assert.Empty(cloud.Snapshot().PendingFailures);
        await cloud.MigrateAsync("a", live: false);
        cloud.CreateInstance("p1", "n", 1);
    }

    [Theory]
    [InlineData("", "*", "action: required")]
    [InlineData("reboot", "*", "action: unknown action 'reboot'")]
    [InlineData("migrate", "", "target: required")]
    public void InjectFailure_WithBadInput_ThrowsValidation(string action, string target, string messageStart)
    {
        var cloud = Cloud();

        var e = Assert.Throws<SimulatedCloudValidationException>(() => cloud.InjectFailure(action, target));

        Assert.StartsWith(messageStart, e.Message);
        Assert.Empty(cloud.Snapshot().PendingFailures);
    }
}
