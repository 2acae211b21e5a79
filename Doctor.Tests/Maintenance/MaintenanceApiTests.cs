using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Doctor.Tests.Infrastructure;
using Doctor.Workflows.Maintenance;
using Microsoft.AspNetCore.Hosting;

namespace Doctor.Tests.Maintenance;

/// <summary>Every bad input of the Fenix v1 maintenance API: a clear problem+json, and nothing written.</summary>
public sealed class MaintenanceApiTests(MaintenanceApiTests.Factory api) : IClassFixture<MaintenanceApiTests.Factory>
{
    public sealed class Factory : DoctorApiFactory
    {
        protected override void ConfigureDoctor(IWebHostBuilder builder)
        {
            builder.UseSetting("Doctor:Simulated:Topology", "doctor-test");
            builder.UseSetting("Doctor:Maintenance:MinimumReplyWindow", "00:00:30");
            // A project that listens, so sessions stay waiting for its replies.
            builder.UseSetting("Doctor:Maintenance:SubscriptionPolicy", "proceed");
        }
    }

    private readonly HttpClient _client = api.CreateClient();

    private static string At(TimeSpan fromNow) => FenixTime.ToFenix(DateTimeOffset.UtcNow + fromNow);

    public static TheoryData<string, string> BadSessions => new()
    {
        { $$"""{"state":"MAINTENANCE","maintenance_at":"next tuesday"}""", "maintenance_at: 'next tuesday' is not a time" },
        { """{"state":"MAINTENANCE"}""", "maintenance_at: required" },
        { $$"""{"state":"MAINTENANCE","maintenance_at":"{{At(TimeSpan.FromHours(-1))}}"}""", "is in the past" },
        // Resolved when the test runs: theory data is built at discovery, which may be long before.
        { """{"state":"MAINTENANCE","maintenance_at":"IN_5_SECONDS"}""", "is too close: projects need at least 30 s" },
        { $$"""{"state":"MAINTENANCE","maintenance_at":"{{At(TimeSpan.FromHours(1))}}","workflow":"nope"}""", "workflow: unknown workflow 'nope'" },
        { $$"""{"state":"MAINTENANCE","maintenance_at":"{{At(TimeSpan.FromHours(1))}}","hosts":["compute-0","compute-9"]}""", "hosts[1]: unknown host 'compute-9'" },
        { $$"""{"state":"SCALE_IN","maintenance_at":"{{At(TimeSpan.FromHours(1))}}"}""", "state: a session starts in MAINTENANCE" },
        { $$"""{"maintenance_at":"{{At(TimeSpan.FromHours(1))}}","actions":[{"plugin":"reboot","type":"host"}]}""", "actions[0].plugin: unknown plug-in 'reboot'" },
        { $$"""{"maintenance_at":"{{At(TimeSpan.FromHours(1))}}","actions":[{"plugin":"dummy","type":"during"}]}""", "actions[0].type: must be pre, host or post" },
        { $$"""{"maintenance_at":"{{At(TimeSpan.FromHours(1))}}","subscription_policy":"maybe"}""", "subscription_policy: 'maybe' is not require_subscription or proceed" },
        { """{"maintenance_at": 5}""", "maintenance_at" },
        { """{"hosts": "compute-0"}""", "hosts" },
        { """{"maintenance_at": """, "malformed JSON" },
    };

    [Theory]
    [MemberData(nameof(BadSessions))]
    public async Task GivenBadSessionRequest_WhenPosted_ThenProblem400NamingTheFieldAndNothingWritten(string body, string expected)
    {
        var before = await SessionCountAsync();
        body = body.Replace("IN_5_SECONDS", At(TimeSpan.FromSeconds(5)));

        var response = await _client.PostAsync("/v1/maintenance", new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, expected);
        Assert.Equal(before, await SessionCountAsync());
    }

    [Fact]
    public async Task GivenFenixAndIsoTimes_WhenPosted_ThenBothAreAcceptedAndEchoedInTheirForm()
    {
        var fenix = await _client.OpenSessionAsync(TimeSpan.FromHours(1));
        var isoAt = (DateTimeOffset.UtcNow + TimeSpan.FromHours(2)).ToString("yyyy-MM-ddTHH:mm:ssZ");
        var response = await _client.PostAsJsonAsync("/v1/maintenance", new { state = "MAINTENANCE", maintenance_at = isoAt });
        response.EnsureSuccessStatusCode();
        var iso = (await response.Content.ReadFromJsonAsync<JsonObject>())!["session_id"]!.GetValue<string>();

        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", (await _client.SessionAsync(fenix))["maintenance_at"]!.GetValue<string>());
        Assert.Contains("T", (await _client.SessionAsync(iso))["maintenance_at"]!.GetValue<string>());
        Assert.Contains(fenix, await SessionIdsAsync());
    }

    [Theory]
    [InlineData("GET", "/v1/maintenance/6a4a0f8e-0000-0000-0000-000000000000")]
    [InlineData("GET", "/v1/maintenance/not-a-uuid")]
    [InlineData("DELETE", "/v1/maintenance/6a4a0f8e-0000-0000-0000-000000000000")]
    [InlineData("GET", "/v1/maintenance/6a4a0f8e-0000-0000-0000-000000000000/history")]
    [InlineData("GET", "/v1/maintenance/6a4a0f8e-0000-0000-0000-000000000000/detail")]
    [InlineData("GET", "/v1/maintenance/not-a-uuid/detail")]
    [InlineData("GET", "/v1/maintenance/6a4a0f8e-0000-0000-0000-000000000000/doctor-test")]
    public async Task GivenUnknownSession_WhenAddressed_ThenProblem404(string method, string path)
    {
        var response = await _client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        await AssertProblemAsync(response, HttpStatusCode.NotFound, "session");
    }

    [Fact]
    public async Task GivenUnknownSession_WhenProjectReplies_ThenProblem404()
    {
        var response = await _client.PutAsJsonAsync("/v1/maintenance/6a4a0f8e-0000-0000-0000-000000000000/p1", new { state = "ACK_MAINTENANCE" });
        await AssertProblemAsync(response, HttpStatusCode.NotFound, "session");
    }

    [Fact]
    public async Task GivenSessionInMaintenance_WhenReplyForAnotherState_ThenProblem409NamingBoth()
    {
        var sid = await OpenWaitingSessionAsync();

        var response = await _client.PutAsJsonAsync($"/v1/maintenance/{sid}/doctor-test", new { state = "ACK_SCALE_IN" });

        var title = await AssertProblemAsync(response, HttpStatusCode.Conflict, "ACK_SCALE_IN");
        Assert.Contains("MAINTENANCE", title);
    }

    [Fact]
    public async Task GivenSessionInMaintenance_WhenProjectWithoutInstancesReplies_ThenProblem404()
    {
        var sid = await OpenWaitingSessionAsync();

        var response = await _client.PutAsJsonAsync($"/v1/maintenance/{sid}/someone-else", new { state = "ACK_MAINTENANCE" });

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "project someone-else has no instances");
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/v1/maintenance/{sid}/someone-else")).StatusCode);
    }

    [Theory]
    [InlineData("""{}""", "state: required")]
    [InlineData("""{"state":"MAYBE_MAINTENANCE"}""", "is not a reply")]
    [InlineData("""{"state":"ACK_MAINTENANCE","instance_actions":{"ha-0":"MIGRATE"}}""", "MAINTENANCE takes no instance actions")]
    [InlineData("""{"state":"ACK_MAINTENANCE","instance_actions":"all"}""", "instance_actions")]
    public async Task GivenSessionInMaintenance_WhenMalformedReply_ThenProblem400AndNoReplyRecorded(string body, string expected)
    {
        var sid = await OpenWaitingSessionAsync();
        var before = (await _client.HistoryAsync(sid)).Count;

        var response = await _client.PutAsync($"/v1/maintenance/{sid}/doctor-test", new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, expected);
        Assert.DoesNotContain(await _client.HistoryAsync(sid), e => e!["type"]!.GetValue<string>() == "maintenance.reply_received.v1");
        Assert.True((await _client.HistoryAsync(sid)).Count >= before);
    }

    [Fact]
    public async Task GivenProjectAsked_WhenItGetsItsInstances_ThenItSeesThoseTheStateAffects()
    {
        var sid = await OpenWaitingSessionAsync();

        var instances = await _client.GetFromJsonAsync<JsonObject>($"/v1/maintenance/{sid}/doctor-test");

        Assert.Equal(["ha-0", "ha-1", "nonha-0", "nonha-1", "nonha-2", "nonha-3"], instances!["instance_ids"]!.AsArray().Select(i => i!.GetValue<string>()));
    }

    [Fact]
    public async Task GivenTheSameReplySentAThousandTimesInParallel_ThenOneDecisionIsRecorded()
    {
        var sid = await OpenWaitingSessionAsync();
        // As a VNFM would: with its project's token, each request checked against the token table.
        using var project = await api.CreateProjectClientAsync("doctor-test");

        var replies = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ =>
            project.PutAsJsonAsync($"/v1/maintenance/{sid}/doctor-test", new { state = "ACK_MAINTENANCE" })));

        Assert.All(replies, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Single(await _client.HistoryAsync(sid), e => e!["type"]!.GetValue<string>() == "maintenance.reply_received.v1");
    }

    [Fact]
    public async Task GivenRunningSession_WhenContinuedFromAState_ThenProblem409()
    {
        var sid = await OpenWaitingSessionAsync();

        var response = await _client.PostAsJsonAsync($"/v1/maintenance/{sid}", new { state = "SCALE_IN" });

        await AssertProblemAsync(response, HttpStatusCode.Conflict, "only a failed session can be continued");
    }

    [Fact]
    public async Task GivenSession_WhenContinuedFromAnUnknownState_ThenProblem400()
    {
        var sid = await OpenWaitingSessionAsync();

        var response = await _client.PostAsJsonAsync($"/v1/maintenance/{sid}", new { state = "NAPPING" });

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "state: 'NAPPING' is not a state of workflow default");
    }

    /// <summary>A session whose project listens (an alarm), waiting in MAINTENANCE for its reply.</summary>
    private async Task<string> OpenWaitingSessionAsync()
    {
        await EnsureAlarmAsync();
        var sid = await _client.OpenSessionAsync(TimeSpan.FromHours(1), policy: "require_subscription");
        for (var i = 0; i < 100; i++)
        {
            var history = await _client.HistoryAsync(sid);
            if (history.Any(e => e!["type"]!.GetValue<string>() == "maintenance.reply_window_opened.v1"))
                return sid;
            await Task.Delay(100);
        }
        Assert.Fail("the session never opened its reply window");
        return sid;
    }

    private static readonly SemaphoreSlim AlarmOnce = new(1, 1);
    private static bool _alarmCreated;

    private async Task EnsureAlarmAsync()
    {
        await AlarmOnce.WaitAsync();
        try
        {
            if (_alarmCreated)
                return;
            var response = await _client.PostAsJsonAsync("/v2/alarms", new
            {
                name = "doctor-test-maintenance", type = "event", project_id = "doctor-test",
                event_rule = new { event_type = "maintenance.scheduled", query = Array.Empty<object>() },
                // Nobody listens there: deliveries fail and retry, which changes nothing for these tests.
                alarm_actions = new[] { "http://127.0.0.1:9/maintenance" },
                repeat_actions = true,
            });
            response.EnsureSuccessStatusCode();
            _alarmCreated = true;
        }
        finally
        {
            AlarmOnce.Release();
        }
    }

    private async Task<int> SessionCountAsync() => (await SessionIdsAsync()).Count;

    private async Task<List<string>> SessionIdsAsync() =>
        (await _client.GetFromJsonAsync<JsonObject>("/v1/maintenance"))!["session_id"]!.AsArray().Select(s => s!.GetValue<string>()).ToList();

    private static async Task<string> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string titleContains)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var title = JsonNode.Parse(text)!["title"]!.GetValue<string>();
        Assert.Contains(titleContains, title);
        return title;
    }
}
