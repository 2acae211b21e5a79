using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Doctor.Domain.Maintenance;
using Doctor.Tests.Infrastructure;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Maintenance;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Doctor.Tests.Maintenance;

/// <summary>
/// Fenix's session update (<c>PUT /v1/maintenance/{sid}</c>: continue from a state, move maintenance_at; <c>POST</c>
/// the same) and detail (<c>GET /v1/maintenance/{sid}/detail</c>: where a failed session stopped and what it did).
/// </summary>
public sealed class MaintenanceUpdateApiTests(MaintenanceUpdateApiTests.Factory api) : IClassFixture<MaintenanceUpdateApiTests.Factory>
{
    public sealed class Factory : DoctorApiFactory
    {
        protected override void ConfigureDoctor(IWebHostBuilder builder)
        {
            builder.UseSetting("Doctor:Simulated:Topology", "doctor-test");
            builder.UseSetting("Doctor:Maintenance:MinimumReplyWindow", "00:00:30");
        }

        private bool _alarm;

        /// <summary>doctor-test listens (an alarm), so a session waits in MAINTENANCE for its reply.</summary>
        public async Task EnsureListenerAsync()
        {
            if (_alarm)
                return;
            using var client = CreateClient();
            var response = await client.PostAsJsonAsync("/v2/alarms", new
            {
                name = "doctor-test-maintenance", type = "event", project_id = "doctor-test",
                event_rule = new { event_type = "maintenance.scheduled" },
                alarm_actions = new[] { "http://127.0.0.1:9/maintenance" },
                repeat_actions = true,
            });
            response.EnsureSuccessStatusCode();
            _alarm = true;
        }
    }

    private readonly HttpClient _client = api.CreateClient();

    private static string At(TimeSpan fromNow) => FenixTime.ToFenix(DateTimeOffset.UtcNow + fromNow);

    private async Task<string> OpenWaitingSessionAsync()
    {
        await api.EnsureListenerAsync();
        var sid = await _client.OpenSessionAsync(TimeSpan.FromHours(1), policy: "require_subscription");
        await WaitForAsync(sid, h => h.Count(e => Type(e) == "maintenance.reply_window_opened.v1") >= 1);
        return sid;
    }

    private async Task<JsonArray> WaitForAsync(string sid, Func<JsonArray, bool> done)
    {
        for (var i = 0; i < 150; i++)
        {
            var history = await _client.HistoryAsync(sid);
            if (done(history))
                return history;
            await Task.Delay(100);
        }
        Assert.Fail($"session {sid} never got there: {(await _client.HistoryAsync(sid)).ToJsonString()}");
        return [];
    }

    private static string Type(JsonNode? e) => e!["type"]!.GetValue<string>();

    /// <summary>
    /// A session that failed while emptying compute-0 — one instance moved, one move failed, a host action failed on
    /// compute-1 — decided in one append, so the engine never drives it.
    /// </summary>
    private async Task<string> SeedFailedSessionAsync()
    {
        var sid = Guid.NewGuid().ToString();
        var sessions = api.Services.GetRequiredService<MaintenanceSessions>();
        await sessions.ExecuteAllAsync(sid, (_, t) =>
        [
            new CreateSession(sid, "default", 1, ["compute-0", "compute-1"], t.AddHours(1), "fenix", """{"openstack_version": "Rocky"}""",
                [new ActionPlugin("dummy", "host", """{"duration_ms": 10}""")], SubscriptionPolicy.RequireSubscription, "MAINTENANCE", t),
            new OpenReplyWindow(1, [new ProjectAudience("p1", ["vm-1", "vm-2"], true)], [], t.AddMinutes(1), null, t),
            new RecordReply("p1", "ACK_MAINTENANCE", new Dictionary<string, string>(), t),
            new EnterState("PREPARE_MAINTENANCE", "all acked", t),
            new ChooseHost("compute-0", "emptiest", t),
            new OpenReplyWindow(2, [new ProjectAudience("p1", ["vm-1", "vm-2"], true)], ["MIGRATE", "LIVE_MIGRATE"], t.AddMinutes(1), null, t),
            new RecordReply("p1", "ACK_PREPARE_MAINTENANCE", new Dictionary<string, string> { ["vm-1"] = "MIGRATE", ["vm-2"] = "LIVE_MIGRATE" }, t),
            new RequestInstanceAction("vm-1", "p1", "MIGRATE", "compute-0", t),
            new RequestInstanceAction("vm-2", "p1", "LIVE_MIGRATE", "compute-0", t),
            new RecordInstanceActionDone("vm-1", "compute-1", t),
            new RecordInstanceActionFailed("vm-2", "no valid host", t),
            new EnterHostMaintenance("compute-1", t),
            new RecordHostAction("compute-1", "dummy", "host", "firmware refused", t),
            new EnterState("MAINTENANCE_FAILED", "instance vm-2: no valid host", t),
            new FailSession("instance vm-2: no valid host", t),
        ], EventMetadata.Engine(sid));
        return sid;
    }

    private static async Task<string> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string titleContains)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var title = JsonNode.Parse(text)!["title"]!.GetValue<string>();
        Assert.Contains(titleContains, title);
        return title;
    }

    [Fact]
    public async Task GivenAFailedSession_WhenItsDetailIsRead_ThenItSaysWhereItFailed_AndEveryActionsOutcome()
    {
        var sid = await SeedFailedSessionAsync();

        var detail = (await _client.GetFromJsonAsync<JsonObject>($"/v1/maintenance/{sid}/detail"))!;

        Assert.Equal(("MAINTENANCE_FAILED", 0), (detail["state"]!.GetValue<string>(), detail["percent_done"]!.GetValue<int>()));
        var session = detail["session"]!;
        Assert.Equal(("failed", "instance vm-2: no valid host", "PREPARE_MAINTENANCE", "PREPARE_MAINTENANCE"),
            (session["status"]!.GetValue<string>(), session["reason"]!.GetValue<string>(), session["prev_state"]!.GetValue<string>(), session["continue_from"]!.GetValue<string>()));
        Assert.Contains("PLANNED_MAINTENANCE", session["continuable_states"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.DoesNotContain("MAINTENANCE_DONE", session["continuable_states"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal(("default", 1, "Rocky"), (session["workflow"]!.GetValue<string>(), session["workflow_version"]!.GetValue<int>(), session["metadata"]!["openstack_version"]!.GetValue<string>()));
        Assert.Equal("""{"openstack_version": "Rocky"}""", session["meta"]!.GetValue<string>()); // Fenix's meta is text

        var hosts = detail["hosts"]!.AsArray().ToDictionary(h => h!["hostname"]!.GetValue<string>());
        Assert.Equal(["compute-0", "compute-1"], hosts.Keys.Order());
        Assert.Equal(("waiting", false, "compute"), (hosts["compute-0"]!["session_state"]!.GetValue<string>(), hosts["compute-0"]!["maintained"]!.GetValue<bool>(), hosts["compute-0"]!["type"]!.GetValue<string>()));
        Assert.Equal("in_maintenance", hosts["compute-1"]!["session_state"]!.GetValue<string>());
        // Its physical state, from the host's stream (other sessions of this class may hold it meanwhile).
        Assert.Contains(hosts["compute-1"]!["state"]!.GetValue<string>(), Doctor.Domain.Hosts.HostStates.All);

        var project = Assert.Single(detail["projects"]!.AsArray())!;
        Assert.Equal(("p1", "ACK_PREPARE_MAINTENANCE"), (project["project_id"]!.GetValue<string>(), project["state"]!.GetValue<string>()));
        Assert.Equal(["MAINTENANCE", "PREPARE_MAINTENANCE"], project["notified_states"]!.AsArray().Select(s => s!.GetValue<string>()));

        var instances = detail["instances"]!.AsArray().ToDictionary(i => i!["instance_id"]!.GetValue<string>());
        Assert.Equal(("MIGRATE", true, "done", "compute-0", "compute-1"), (instances["vm-1"]!["action"]!.GetValue<string>(), instances["vm-1"]!["action_done"]!.GetValue<bool>(),
            instances["vm-1"]!["action_state"]!.GetValue<string>(), instances["vm-1"]!["from_host"]!.GetValue<string>(), instances["vm-1"]!["to_host"]!.GetValue<string>()));
        Assert.Equal(("LIVE_MIGRATE", false, "failed", "no valid host", "PREPARE_MAINTENANCE"), (instances["vm-2"]!["action"]!.GetValue<string>(), instances["vm-2"]!["action_done"]!.GetValue<bool>(),
            instances["vm-2"]!["action_state"]!.GetValue<string>(), instances["vm-2"]!["details"]!.GetValue<string>(), instances["vm-2"]!["session_state"]!.GetValue<string>()));
        Assert.Equal("ACK_PREPARE_MAINTENANCE", instances["vm-2"]!["project_state"]!.GetValue<string>());

        var hostAction = Assert.Single(detail["action_plugin_instances"]!.AsArray())!;
        Assert.Equal(("compute-1", "dummy", "host", "failed", "firmware refused"), (hostAction["hostname"]!.GetValue<string>(), hostAction["plugin"]!.GetValue<string>(),
            hostAction["type"]!.GetValue<string>(), hostAction["state"]!.GetValue<string>(), hostAction["details"]!.GetValue<string>()));
        Assert.Equal("dummy", Assert.Single(detail["action_plugins"]!.AsArray())!["plugin"]!.GetValue<string>());
    }

    [Fact]
    public async Task GivenAWaitingSession_WhenItsDetailIsRead_ThenItShowsTheProjectsAsked_AndNothingToContinueFrom()
    {
        var sid = await OpenWaitingSessionAsync();

        var detail = (await _client.GetFromJsonAsync<JsonObject>($"/v1/maintenance/{sid}/detail"))!;

        Assert.Equal(("MAINTENANCE", "running"), (detail["state"]!.GetValue<string>(), detail["session"]!["status"]!.GetValue<string>()));
        Assert.Null(detail["session"]!["continue_from"]);
        var project = Assert.Single(detail["projects"]!.AsArray())!;
        Assert.Equal("doctor-test", project["project_id"]!.GetValue<string>());
        Assert.Null(project["state"]); // not answered yet
        Assert.Equal(3, detail["hosts"]!.AsArray().Count);
        Assert.All(detail["hosts"]!.AsArray(), h => Assert.Equal("waiting", h!["session_state"]!.GetValue<string>()));
    }

    [Fact]
    public async Task GivenAWaitingSession_WhenMaintenanceAtMoves_ThenTheNewTimeIsKeptInItsForm_AndTheProjectsAreAskedAgain()
    {
        var sid = await OpenWaitingSessionAsync();
        var later = (DateTimeOffset.UtcNow + TimeSpan.FromHours(3)).ToString("yyyy-MM-ddTHH:mm:ssZ");

        var response = await _client.PutAsJsonAsync($"/v1/maintenance/{sid}", new { maintenance_at = later });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var session = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((sid, "MAINTENANCE"), (session["session_id"]!.GetValue<string>(), session["state"]!.GetValue<string>()));
        Assert.Equal(DateTimeOffset.Parse(later), DateTimeOffset.Parse(session["maintenance_at"]!.GetValue<string>()));
        Assert.Contains("T", session["maintenance_at"]!.GetValue<string>()); // echoed in the form it was given
        var history = await WaitForAsync(sid, h => h.Count(e => Type(e) == "maintenance.reply_window_opened.v1") >= 2);
        Assert.Contains(history, e => Type(e) == "maintenance.session_rescheduled.v1");
        Assert.Equal(2, history.Count(e => Type(e) == "maintenance.project_notified.v1"));
        var reopened = history.Last(e => Type(e) == "maintenance.reply_window_opened.v1")!["data"]!;
        Assert.Equal(DateTimeOffset.Parse(later), DateTimeOffset.Parse(reopened["Deadline"]!.GetValue<string>()));
    }

    [Fact]
    public async Task GivenAFailedSession_WhenUpdatedWithANewTimeAndAState_ThenBothAreOneDecision_AndPostDoesTheSame()
    {
        var sid = await SeedFailedSessionAsync();
        var at = At(TimeSpan.FromHours(2));

        var response = await _client.PutAsJsonAsync($"/v1/maintenance/{sid}", new { state = "MAINTENANCE", maintenance_at = at });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var session = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(("running", at), (session["status"]!.GetValue<string>(), session["maintenance_at"]!.GetValue<string>()));
        var history = await _client.HistoryAsync(sid);
        var rescheduled = history.Single(e => Type(e) == "maintenance.session_rescheduled.v1")!;
        var resumed = history.Single(e => Type(e) == "maintenance.session_resumed.v1")!;
        Assert.Equal(rescheduled["version"]!.GetValue<long>() + 1, resumed["version"]!.GetValue<long>());
        Assert.Equal(rescheduled["recorded_at"]!.GetValue<string>(), resumed["recorded_at"]!.GetValue<string>()); // one append

        var again = await SeedFailedSessionAsync();
        var posted = await _client.PostAsJsonAsync($"/v1/maintenance/{again}", new { state = "PREPARE_MAINTENANCE" });
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Contains(await _client.HistoryAsync(again), e => Type(e) == "maintenance.session_resumed.v1");
    }

    [Fact]
    public async Task GivenASessionPastItsInitialState_WhenMaintenanceAtMoves_ThenProblem409_ForMaintenanceHasBegun()
    {
        var sid = Guid.NewGuid().ToString();
        await api.Services.GetRequiredService<MaintenanceSessions>().ExecuteAllAsync(sid, (_, t) =>
        [
            new CreateSession(sid, "default", 1, ["compute-0"], t.AddHours(1), "fenix", "{}", [], SubscriptionPolicy.Proceed, "MAINTENANCE", t),
            new EnterState("PLANNED_MAINTENANCE", "test", t),
            new FailSession("test", t),
            new ResumeSession("PLANNED_MAINTENANCE", t),
            new FailSession("again", t),
        ], EventMetadata.Engine(sid));
        var running = await SeedRunningPastInitialAsync();

        await AssertProblemAsync(await _client.PutAsJsonAsync($"/v1/maintenance/{running}", new { maintenance_at = At(TimeSpan.FromHours(2)) }),
            HttpStatusCode.Conflict, "maintenance has begun");
        Assert.Equal(HttpStatusCode.OK, (await _client.PutAsJsonAsync($"/v1/maintenance/{sid}", new { maintenance_at = At(TimeSpan.FromHours(2)) })).StatusCode);
    }

    private async Task<string> SeedRunningPastInitialAsync()
    {
        var sid = Guid.NewGuid().ToString();
        // Waits in PLANNED_MAINTENANCE for a project: the engine, when it drives it, has nothing to do but wait.
        await api.Services.GetRequiredService<MaintenanceSessions>().ExecuteAllAsync(sid, (_, t) =>
        [
            new CreateSession(sid, "default", 1, ["compute-0"], t.AddHours(1), "fenix", "{}", [], SubscriptionPolicy.Proceed, "MAINTENANCE", t),
            new EnterState("PLANNED_MAINTENANCE", "test", t),
            new OpenReplyWindow(2, [new ProjectAudience("p9", ["vm-9"], true)], ["MIGRATE"], t.AddHours(1), null, t),
        ], EventMetadata.Engine(sid));
        return sid;
    }

    public static TheoryData<string, string> BadUpdates => new()
    {
        { "{}", "state, maintenance_at: give the state to continue a failed session from" },
        { """{"maintenance_at": "tomorrow"}""", "maintenance_at: 'tomorrow' is not a time" },
        { """{"maintenance_at": "2020-01-01 00:00:00"}""", "maintenance_at: 2020-01-01 00:00:00 is in the past" },
        { """{"maintenance_at": "IN_5_SECONDS"}""", "is too close: projects need at least 30 s" },
        { """{"state": "NAPPING"}""", "state: 'NAPPING' is not a state of workflow default" },
        { """{"state": "MAINTENANCE_DONE"}""", "state: 'MAINTENANCE_DONE' is not a state of workflow default a session can continue from" },
        { """{"maintenance_at": 5}""", "maintenance_at" },
    };

    [Theory]
    [MemberData(nameof(BadUpdates))]
    public async Task GivenABadUpdate_ThenProblem400NamingTheField_AndNothingWritten(string body, string title)
    {
        var sid = await SeedFailedSessionAsync();
        var before = (await _client.HistoryAsync(sid)).Count;

        var response = await _client.PutAsync($"/v1/maintenance/{sid}",
            new StringContent(body.Replace("IN_5_SECONDS", At(TimeSpan.FromSeconds(5))), Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, title);
        Assert.Equal(before, (await _client.HistoryAsync(sid)).Count);
    }

    [Fact]
    public async Task GivenAProjectToken_WhenItUpdatesOrReadsTheDetail_ThenForbidden()
    {
        var sid = await SeedFailedSessionAsync();
        using var project = await api.CreateProjectClientAsync("p1");

        await AssertProblemAsync(await project.PutAsJsonAsync($"/v1/maintenance/{sid}", new { state = "MAINTENANCE" }), HttpStatusCode.Forbidden, "admin only");
        await AssertProblemAsync(await project.GetAsync($"/v1/maintenance/{sid}/detail"), HttpStatusCode.Forbidden, "admin only");
    }
}
