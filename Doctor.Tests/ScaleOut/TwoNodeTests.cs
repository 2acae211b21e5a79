using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Doctor.Tests.Infrastructure;
using Doctor.Tests.Maintenance;
using Doctor.Workflows.Infrastructure.Simulated;
using Xunit.Abstractions;

namespace Doctor.Tests.ScaleOut;

/// <summary>
/// Two real service processes on one PostgreSQL (docs/scale-out.md): both serve the API over one simulated cloud,
/// each deadline and each decision takes effect once, each notification reaches an endpoint once, and when one node
/// is killed mid-session (and not restarted) the other finishes the session and sends what the dead one had not.
/// </summary>
[Collection(ServiceProcessCollection.Name)]
public sealed class TwoNodeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(180);
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task GivenTwoNodes_ThenBothServeOneSessionDeadlinesAndNotificationsTakeEffectOnceAndTheSurvivorFinishesWhenOneIsKilled()
    {
        var settings = ScaleOutSettings.For(_db);
        await using var a = await ServiceProcess.StartAsync("node-a", settings);
        await using var b = await ServiceProcess.StartAsync("node-b", settings);
        try
        {
            // The VNFM talks to node B only, whichever node sent the notification.
            await using var vnfm = await SampleAppManager.StartAsync(b.Client, SimulatedTopologies.DoctorTestProject);
            vnfm.ReplyBaseUrl = b.BaseUrl;
            vnfm.RetryFor = TimeSpan.FromSeconds(180);
            await vnfm.SubscribeAsync();

            // 1. A deadline armed on both nodes (A opened the window, B's take-over round looked too) expires the window once.
            vnfm.Answers["MAINTENANCE"] = "SILENT";
            var silent = await a.Client.OpenSessionAsync(TimeSpan.FromSeconds(6));
            var failed = await b.Client.WaitForStateAsync(silent, Within, "MAINTENANCE_FAILED", "MAINTENANCE_DONE");
            Assert.Equal("MAINTENANCE_FAILED", failed["state"]!.GetValue<string>());
            var silentStream = await SessionStream.ReadAsync(_db.DataSource, silent);
            Assert.Single(silentStream, e => e.Type == "maintenance.reply_window_expired.v1");
            Assert.Empty(SessionStream.DuplicateDecisions(silentStream));
            output.WriteLine($"deadline firings logged: A {CountFirings(a, silent)}, B {CountFirings(b, silent)}");
            vnfm.Answers.Clear();

            // 2. A full session opened on A, answered through B.
            var sid = await a.Client.OpenSessionAsync(TimeSpan.FromSeconds(15));
            foreach (var node in new[] { a, b })
            {
                var listed = await node.Client.GetFromJsonAsync<JsonNode>("/v1/maintenance");
                Assert.Contains(sid, listed!.ToJsonString());
            }

            // Kill A once the session is under way (instances being moved), with both nodes having served it.
            var until = DateTime.UtcNow + Within;
            while (!(await SessionStream.ReadAsync(_db.DataSource, sid)).Any(e => e.Type == "maintenance.instance_action_requested.v1")
                   && DateTime.UtcNow < until)
                await Task.Delay(20);
            Assert.All(vnfm.Deliveries, d => Assert.True(d.Value == 1, $"{d.Key} delivered {d.Value} times by two live nodes"));
            a.Kill();

            var session = await b.Client.WaitForStateAsync(sid, Within, "MAINTENANCE_DONE", "MAINTENANCE_FAILED");
            var stream = await SessionStream.ReadAsync(_db.DataSource, sid);
            Assert.True(session["state"]!.GetValue<string>() == "MAINTENANCE_DONE", $"session ended {session.ToJsonString()}; VNFM errors: {string.Join(" | ", vnfm.Errors)}");
            Assert.Empty(SessionStream.DuplicateDecisions(stream));
            Assert.Contains(stream, e => e.Type == "maintenance.reply_received.v1");
            Assert.Empty(vnfm.Errors);

            // Every maintenance.scheduled notification of the session reaches the VNFM, A dead and not restarted: what A
            // recorded and had not sent is adopted by B (docs/scale-out.md). A repeat carries the same event id.
            var emitted = stream.Where(e => e.Type == "notification.emitted.v1" && e.Data["event_type"]?.ToString() == "maintenance.scheduled"
                                            && e.Data["project_id"]?.ToString() == SimulatedTopologies.DoctorTestProject)
                .Select(e => e.Data["message_id"]!.ToString()).ToList();
            Assert.NotEmpty(emitted);
            await WaitUntilAsync(() => emitted.All(vnfm.Messages.ContainsKey), Within);
            output.WriteLine($"deliveries: {vnfm.Deliveries.Count} event ids, {vnfm.Deliveries.Values.Sum()} posts; " +
                             $"repeated: {string.Join(", ", vnfm.Deliveries.Where(d => d.Value > 1).Select(d => $"{d.Key} x{d.Value}"))}; " +
                             $"adoptions logged by B: {string.Join(" | ", b.ReadLog().Split('\n').Where(l => l.Contains("adopted", StringComparison.Ordinal)))}");
            Assert.All(emitted, m => Assert.True(vnfm.Messages.ContainsKey(m), $"{m} never reached the VNFM after A died"));
            Assert.All(emitted, m => Assert.True(vnfm.EventIds[m].Count == 1, $"{m} arrived with event ids {string.Join(", ", vnfm.EventIds[m].Keys)}"));
        }
        catch
        {
            output.WriteLine($"node A log ({a.LogPath}):\n{a.ReadLog()}\n\nnode B log ({b.LogPath}):\n{b.ReadLog()}");
            throw;
        }
    }

    private static int CountFirings(ServiceProcess node, string sessionId) =>
        node.ReadLog().Split('\n').Count(l => l.Contains($"Deadline reply of session {sessionId} round 1 fired", StringComparison.Ordinal));

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan within)
    {
        var until = DateTime.UtcNow + within;
        while (!condition() && DateTime.UtcNow < until)
            await Task.Delay(50);
    }
}
