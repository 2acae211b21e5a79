using Doctor.Tests.Infrastructure;
using Doctor.Tests.Maintenance;
using Doctor.Tests.ScaleOut;
using Xunit.Abstractions;

namespace Doctor.Tests.OpenStack;

/// <summary>
/// The service as a real process with the <c>openstack</c> driver, SIGKILLed while Nova migrates one of the session's
/// servers, and started again: it finishes that migration from Nova's state (a cold one confirmed) and never asks
/// Nova to migrate a server twice.
/// </summary>
[Collection("openstack")]
public sealed class OpenStackCrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Within = TimeSpan.FromMinutes(3);
    private readonly OpenStackTestCloud _cloud = OpenStackTestCloud.Instance;
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        await _cloud.RestoreComputesAsync();
    }

    [Fact]
    public async Task GivenAMigrationUnderWayInNova_WhenTheServiceIsKilledAndRestarted_ThenItIsFinishedNotRepeated_AndTheSessionIsDone()
    {
        var topology = await NovaDoctorTopology.CreateAsync(_cloud);
        var settings = ScaleOutSettings.For(_db);
        settings.Remove("Doctor:Simulated:Store");
        foreach (var (key, value) in _cloud.DoctorSettings())
            settings[key] = value;
        await using var service = await ServiceProcess.StartAsync("openstack-crash", settings);
        await using var vnfm = await SampleAppManager.StartAsync(service.Client, new NovaVnfCloud(_cloud, _cloud.Demo), _cloud.DemoProjectId);
        vnfm.RetryFor = TimeSpan.FromSeconds(180);
        await vnfm.SubscribeAsync();
        var startedAt = DateTimeOffset.UtcNow;
        var sid = await service.Client.OpenSessionAsync(TimeSpan.FromSeconds(10));

        // Kill the moment Nova shows one of the servers moving (RESIZE, VERIFY_RESIZE, a migrating task).
        string? moving = null;
        var until = DateTime.UtcNow + Within;
        while (moving is null && DateTime.UtcNow < until)
        {
            moving = (await _cloud.ServersAsync(_cloud.DemoProjectId)).FirstOrDefault(s =>
                s["status"]!.GetValue<string>() is "RESIZE" or "VERIFY_RESIZE" or "MIGRATING" || s["OS-EXT-STS:task_state"]?.GetValue<string>() is { } task && task.StartsWith("resize", StringComparison.Ordinal))?["id"]!.GetValue<string>();
            if (moving is null)
                await Task.Delay(100);
        }
        Assert.NotNull(moving);
        service.Kill();
        var atKill = (await _cloud.ServerAsync(moving!))!;
        output.WriteLine($"killed while {moving} was {atKill["status"]} / {atKill["OS-EXT-STS:task_state"]}");
        await service.StartAgainAsync();

        var session = await service.Client.WaitForStateAsync(sid, Within, "MAINTENANCE_DONE", "MAINTENANCE_FAILED");
        Assert.True(session["state"]!.GetValue<string>() == "MAINTENANCE_DONE", session.ToJsonString() + " VNFM: " + string.Join(" | ", vnfm.Errors));
        Assert.Empty(vnfm.Errors);
        // Nova migrated each server exactly as often as the session asked, from the hosts it named: the interrupted one once.
        var requested = (await service.Client.HistoryAsync(sid)).Where(e => e!["type"]!.GetValue<string>() == "maintenance.instance_action_requested.v1")
            .Select(e => e!["data"]!).GroupBy(d => d["instance_id"]!.GetValue<string>()).ToDictionary(g => g.Key, g => g.Select(d => d["from_host"]!.GetValue<string>()).ToList());
        Assert.Contains(moving!, requested.Keys);
        foreach (var server in await _cloud.ServersAsync(_cloud.DemoProjectId))
        {
            var id = server["id"]!.GetValue<string>();
            Assert.Equal("ACTIVE", server["status"]!.GetValue<string>());
            var migrations = (await _cloud.MigrationsAsync(id)).Where(m => DateTimeOffset.Parse(m["created_at"]!.GetValue<string>() + "Z") >= startedAt.AddSeconds(-5)).ToList();
            Assert.Equal(requested.GetValueOrDefault(id, []), migrations.Select(m => m["source_compute"]!.GetValue<string>()).ToList());
            Assert.All(migrations, m => Assert.Equal("confirmed", m["status"]!.GetValue<string>()));
        }
        foreach (var host in _cloud.Hosts)
            Assert.Equal("enabled", (await _cloud.ServiceAsync(host))["status"]!.GetValue<string>());
        _ = topology;
    }
}
