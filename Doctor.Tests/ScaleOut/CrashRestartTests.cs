using System.Net.Http.Json;
using Doctor.Tests.Infrastructure;
using Doctor.Tests.Maintenance;
using Doctor.Workflows.Infrastructure.Simulated;
using Xunit.Abstractions;

namespace Doctor.Tests.ScaleOut;

/// <summary>
/// The service as a real process, killed with SIGKILL at ten moments of a running session — each just after a
/// different milestone of the workflow — and started again on the same database and port each time: the session
/// still ends MAINTENANCE_DONE and no decision is in its stream twice.
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
        var settings = ScaleOutSettings.For(_db);
        settings["Doctor:Simulated:ActionLatencyMs"] = "1500";
        await using var service = await ServiceProcess.StartAsync("crash", settings);
        try
        {
            await using var vnfm = await SampleAppManager.StartAsync(service.Client, SimulatedTopologies.DoctorTestProject);
            vnfm.RetryFor = TimeSpan.FromSeconds(180);
            // Pauses between milestones long enough for a kill to land in them: answers, instance moves (ActionLatencyMs), host actions (duration_ms).
            vnfm.ReplyDelay = TimeSpan.FromSeconds(1);
            await vnfm.SubscribeAsync();
            // maintenance_at is the MAINTENANCE reply window: far enough ahead to outlive a few restarts.
            var sid = await service.Client.OpenSessionAsync(TimeSpan.FromSeconds(40),
                new { actions = new[] { new { plugin = "dummy", type = "host", metadata = new { duration_ms = 2_500 } } } });

            // Each kill waits for a milestone of the workflow the session has not reached before the last start, and
            // lands just after it: ten kills at ten different moments, from the session's creation to its completion.
            var killedAt = new List<string>();
            var passed = new HashSet<string>(StringComparer.Ordinal);
            while (killedAt.Count < 10)
            {
                passed.UnionWith(Reached(await SessionStream.ReadAsync(_db.DataSource, sid)));
                var until = DateTime.UtcNow + Within;
                List<string> fresh = [];
                while (fresh.Count == 0 && DateTime.UtcNow < until)
                {
                    var sofar = await SessionStream.ReadAsync(_db.DataSource, sid);
                    fresh = [.. Reached(sofar).Where(m => !passed.Contains(m))];
                    if (fresh.Count == 0 && sofar.Any(e => e.Type is "maintenance.session_done.v1" or "maintenance.session_failed.v1"))
                        break;
                    if (fresh.Count == 0)
                        await Task.Delay(10);
                }
                if (fresh.Count == 0)
                    break; // the session ended (or stalled) with milestones to spare: asserted below
                service.Kill();
                // The kill lands after the last milestone reached; others reached since the start are passed over.
                var events = await SessionStream.ReadAsync(_db.DataSource, sid);
                var landed = Reached(events).Where(m => !passed.Contains(m)).ToList();
                killedAt.Add($"{landed[^1]} (v{events.Count} after {events[^1].Type}" +
                             (landed.Count > 1 ? $"; passed over {string.Join(", ", landed.SkipLast(1))})" : ")"));
                passed.UnionWith(landed);
                await service.StartAgainAsync();
            }
            output.WriteLine("killed at:\n  " + string.Join("\n  ", killedAt));
            Assert.True(killedAt.Count == 10, "fewer than ten milestones were hit: " + string.Join("; ", killedAt)
                + "\n" + Describe(await SessionStream.ReadAsync(_db.DataSource, sid)));

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

    /// <summary>The milestones of a maintenance session in workflow order, each a test on the stream so far.</summary>
    private static readonly (string Name, Func<IReadOnlyList<SessionStream.Entry>, bool> IsReached)[] Milestones =
    [
        ("session created", s => s.Any(e => e.Type == "maintenance.session_created.v1")),
        ("MAINTENANCE notified", s => Notified(s, "MAINTENANCE")),
        ("MAINTENANCE reply received", s => Replied(s, "MAINTENANCE")),
        ("SCALE_IN entered", s => Entered(s, "SCALE_IN")),
        ("SCALE_IN reply received", s => Replied(s, "SCALE_IN")),
        ("PREPARE_MAINTENANCE entered", s => Entered(s, "PREPARE_MAINTENANCE")),
        ("PREPARE_MAINTENANCE reply received", s => Replied(s, "PREPARE_MAINTENANCE")),
        ("first instance action requested", s => Count(s, "maintenance.instance_action_requested.v1") >= 1),
        ("first instance moved", s => Count(s, "maintenance.instance_action_done.v1") >= 1),
        ("second instance moved", s => Count(s, "maintenance.instance_action_done.v1") >= 2),
        ("third instance moved", s => Count(s, "maintenance.instance_action_done.v1") >= 3),
        ("fourth instance moved", s => Count(s, "maintenance.instance_action_done.v1") >= 4),
        ("PLANNED_MAINTENANCE entered", s => Entered(s, "PLANNED_MAINTENANCE")),
        ("PLANNED_MAINTENANCE reply received", s => Replied(s, "PLANNED_MAINTENANCE")),
        ("first host in maintenance", s => Count(s, "maintenance.host_entered_maintenance.v1") >= 1),
        ("first host maintained", s => Count(s, "maintenance.host_left_maintenance.v1") >= 1),
        ("second host in maintenance", s => Count(s, "maintenance.host_entered_maintenance.v1") >= 2),
        ("second host maintained", s => Count(s, "maintenance.host_left_maintenance.v1") >= 2),
        ("third host in maintenance", s => Count(s, "maintenance.host_entered_maintenance.v1") >= 3),
        ("third host maintained", s => Count(s, "maintenance.host_left_maintenance.v1") >= 3),
        ("MAINTENANCE_COMPLETE entered", s => Entered(s, "MAINTENANCE_COMPLETE")),
        ("MAINTENANCE_COMPLETE reply received", s => Replied(s, "MAINTENANCE_COMPLETE")),
    ];

    private static IEnumerable<string> Reached(IReadOnlyList<SessionStream.Entry> stream) =>
        Milestones.Where(m => m.IsReached(stream)).Select(m => m.Name);

    private static int Count(IReadOnlyList<SessionStream.Entry> stream, string type) => stream.Count(e => e.Type == type);

    private static bool Entered(IReadOnlyList<SessionStream.Entry> stream, string state) =>
        stream.Any(e => e.Type == "maintenance.state_entered.v1" && e.Data["state"]?.ToString() == state);

    private static bool Notified(IReadOnlyList<SessionStream.Entry> stream, string state) =>
        stream.Any(e => e.Type == "maintenance.project_notified.v1" && e.Data["state"]?.ToString() == state);

    /// <summary>A reply recorded in a round of <paramref name="state"/> (the state entered last before it).</summary>
    private static bool Replied(IReadOnlyList<SessionStream.Entry> stream, string state)
    {
        string? current = null;
        foreach (var e in stream)
        {
            if (e.Type == "maintenance.state_entered.v1")
                current = e.Data["state"]?.ToString();
            else if (e.Type == "maintenance.reply_received.v1" && current == state)
                return true;
        }
        return false;
    }

    private static string Describe(IReadOnlyList<SessionStream.Entry> stream) =>
        string.Join("\n", stream.Select(e => $"  v{e.Version} {e.Type} {e.Data.ToJsonString()}"));
}
