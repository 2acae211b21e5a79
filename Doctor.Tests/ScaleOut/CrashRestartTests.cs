using System.Net.Http.Json;
using Doctor.Tests.Infrastructure;
using Doctor.Tests.Maintenance;
using Doctor.Workflows.Infrastructure.Simulated;
using Xunit.Abstractions;

namespace Doctor.Tests.ScaleOut;

/// <summary>
/// The service as a real process, killed with SIGKILL at ten moments of a running session and started again on the
/// same database and port each time: the session still ends MAINTENANCE_DONE and no decision is in its stream twice.
/// </summary>
[Collection(ServiceProcessCollection.Name)]
public sealed class CrashRestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(180);
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task GivenARunningSession_WhenTheServiceIsKilledTenTimes_ThenTheSessionEndsDoneWithNoDecisionTwice()
    {
        await using var service = await ServiceProcess.StartAsync("crash", ScaleOutSettings.For(_db));
        try
        {
            await using var vnfm = await SampleAppManager.StartAsync(service.Client, SimulatedTopologies.DoctorTestProject);
            vnfm.RetryFor = TimeSpan.FromSeconds(180);
            await vnfm.SubscribeAsync();
            // maintenance_at is the MAINTENANCE reply window: far enough ahead to outlive a few restarts.
            var sid = await service.Client.OpenSessionAsync(TimeSpan.FromSeconds(40));

            // Kill as soon as the session has moved on since the last start, so each kill lands at a new moment of it.
            var killedAt = new List<string>();
            for (var kill = 0; kill < 10; kill++)
            {
                var from = await SessionStream.VersionAsync(_db.DataSource, sid);
                var until = DateTime.UtcNow + Within;
                while ((await SessionStream.VersionAsync(_db.DataSource, sid) == from || !await AllDeliveredAsync(sid, vnfm))
                       && !await SessionStream.IsClosedAsync(_db.DataSource, sid) && DateTime.UtcNow < until)
                    await Task.Delay(10);
                service.Kill();
                var events = await SessionStream.ReadAsync(_db.DataSource, sid);
                killedAt.Add($"v{events.Count} after {events[^1].Type}");
                await service.StartAgainAsync();
            }
            output.WriteLine("killed at: " + string.Join("; ", killedAt));

            var session = await service.Client.WaitForStateAsync(sid, Within, "MAINTENANCE_DONE", "MAINTENANCE_FAILED");
            var stream = await SessionStream.ReadAsync(_db.DataSource, sid);
            Assert.True(session["state"]!.GetValue<string>() == "MAINTENANCE_DONE",
                $"session ended {session.ToJsonString()}; VNFM errors: {string.Join(" | ", vnfm.Errors)}\n{Describe(stream)}");
            Assert.Empty(SessionStream.DuplicateDecisions(stream));
            Assert.Empty(vnfm.Errors);
            // Every compute the session disabled is enabled again, in the one cloud every start saw.
            var hosts = await service.Client.GetFromJsonAsync<List<System.Text.Json.Nodes.JsonObject>>("/v1/infra/hosts");
            Assert.All(hosts!, h => Assert.True(h["compute_enabled"]!.GetValue<bool>(), h.ToJsonString()));
        }
        catch
        {
            output.WriteLine($"service log ({service.LogPath}):\n{service.ReadLog()}");
            throw;
        }
    }

    /// <summary>
    /// Whether the VNFM has received every notification emitted to it so far. Off: deliveries are durable (migration
    /// 0006), so a kill between a notification and its delivery must lose nothing. Switch on only to tell a delivery
    /// problem from an engine problem when this test fails.
    /// </summary>
    private async Task<bool> AllDeliveredAsync(string sid, SampleAppManager vnfm)
    {
        if (!WaitForDeliveries)
            return true;
        var emitted = (await SessionStream.ReadAsync(_db.DataSource, sid))
            .Where(e => e.Type == "notification.emitted.v1" && e.Data["event_type"]?.ToString() == "maintenance.scheduled"
                        && e.Data["project_id"]?.ToString() == SimulatedTopologies.DoctorTestProject)
            .Select(e => e.Data["message_id"]!.ToString());
        return emitted.All(vnfm.Messages.ContainsKey);
    }

    private static readonly bool WaitForDeliveries = false;

    private static string Describe(IReadOnlyList<SessionStream.Entry> stream) =>
        string.Join("\n", stream.Select(e => $"  v{e.Version} {e.Type} {e.Data.ToJsonString()}"));
}
