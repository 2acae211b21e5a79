using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using static Doctor.Tests.Notifications.AlarmApiHost;

namespace Doctor.Tests.Notifications;

/// <summary>
/// Aodh's update and state calls (<c>PUT /v2/alarms/{id}</c>, <c>GET|PUT /v2/alarms/{id}/state</c>) as Heat and
/// python-aodhclient use them: the whole alarm sent back with changes, history entries as Aodh writes them, owner
/// rules, and notifications that follow the new rule and the new state.
/// </summary>
public class AlarmUpdateApiTests(AlarmApiFixture fixture) : IClassFixture<AlarmApiFixture>
{
    private readonly AlarmApiHost _api = fixture.Host;

    private static JsonObject NewAlarm(string eventType = "maintenance.scheduled", string? action = null) => new()
    {
        ["name"] = "alarm-" + Guid.NewGuid().ToString("N")[..8],
        ["type"] = "event",
        ["event_rule"] = new JsonObject { ["event_type"] = eventType },
        ["alarm_actions"] = new JsonArray(action ?? "http://127.0.0.1:9/vnfm"),
    };

    private static async Task<JsonObject> ReadAsync(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    private static async Task<JsonObject> CreateAsync(HttpClient client, JsonObject alarm)
    {
        var response = await client.PostAsync("/v2/alarms", Json(alarm.ToJsonString()));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await ReadAsync(response);
    }

    /// <summary>What python-aodhclient's update does: GET the alarm, change fields, PUT it all back.</summary>
    private static async Task<HttpResponseMessage> UpdateAsync(HttpClient client, string id, Action<JsonObject> change)
    {
        var shown = (await client.GetFromJsonAsync<JsonObject>($"/v2/alarms/{id}"))!;
        change(shown);
        return await client.PutAsync($"/v2/alarms/{id}", Json(shown.ToJsonString()));
    }

    private static async Task<JsonArray> HistoryAsync(HttpClient client, string id) => (await client.GetFromJsonAsync<JsonArray>($"/v2/alarms/{id}/history"))!;

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string titleStart)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await ReadAsync(response);
        Assert.StartsWith(titleStart, problem["title"]!.GetValue<string>());
        Assert.Equal(problem["title"]!.GetValue<string>(), problem["error_message"]!["faultstring"]!.GetValue<string>()); // Aodh's own error body too
    }

    [Fact]
    public async Task Post_WithOnlyWhatAodhRequires_GivesAodhsDefaults()
    {
        var alarm = await CreateAsync(_api.Client("project", "p-defaults"), NewAlarm("compute.instance.update"));

        Assert.Equal("Alarm when compute.instance.update event occurred.", alarm["description"]!.GetValue<string>());
        Assert.Equal("Not evaluated yet", alarm["state_reason"]!.GetValue<string>());
        Assert.Equal("insufficient data", alarm["state"]!.GetValue<string>());
        Assert.False(alarm["repeat_actions"]!.GetValue<bool>());
        Assert.Equal("low", alarm["severity"]!.GetValue<string>());
        Assert.Equal(alarm["timestamp"]!.GetValue<string>(), alarm["state_timestamp"]!.GetValue<string>());
    }

    [Fact]
    public async Task Put_AsOwner_TheAlarmAsShownWithANewSeverity_ReplacesIt_AndRecordsARuleChangeOfThatFieldOnly()
    {
        var client = _api.Client("project", "p-put", "u-put");
        var created = await CreateAsync(client, NewAlarm());
        var id = created["alarm_id"]!.GetValue<string>();

        var response = await UpdateAsync(client, id, a => a["severity"] = "critical");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var updated = await ReadAsync(response);
        Assert.Equal("critical", updated["severity"]!.GetValue<string>());
        Assert.Equal(created["name"]!.GetValue<string>(), updated["name"]!.GetValue<string>());
        Assert.Equal("insufficient data", updated["state"]!.GetValue<string>());
        Assert.True(string.CompareOrdinal(updated["timestamp"]!.GetValue<string>(), created["timestamp"]!.GetValue<string>()) > 0);
        Assert.Equal(created["state_timestamp"]!.GetValue<string>(), updated["state_timestamp"]!.GetValue<string>());
        Assert.Null(updated["secret"]);
        var history = await HistoryAsync(client, id);
        Assert.Equal(["rule change", "creation"], history.Select(h => h!["type"]!.GetValue<string>())); // newest first
        Assert.Equal("""{"severity": "critical"}""", history[0]!["detail"]!.GetValue<string>()); // Python's json.dumps, as Aodh writes it
        Assert.Equal(("critical", "u-put", "p-put", "p-put"), (history[0]!["severity"]!.GetValue<string>(), history[0]!["user_id"]!.GetValue<string>(),
            history[0]!["project_id"]!.GetValue<string>(), history[0]!["on_behalf_of"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Put_WithNothingChanged_Answers200_AndRecordsNothing()
    {
        var client = _api.Client("project", "p-same", "u-same");
        var id = (await CreateAsync(client, NewAlarm()))["alarm_id"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.OK, (await UpdateAsync(client, id, _ => { })).StatusCode);

        Assert.Equal(["creation"], (await HistoryAsync(client, id)).Select(h => h!["type"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Put_ARenamedRuleAndActions_AreShownAtOnce_InTheChangeDetail()
    {
        var client = _api.Client("project", "p-rule");
        var id = (await CreateAsync(client, NewAlarm()))["alarm_id"]!.GetValue<string>();

        var response = await UpdateAsync(client, id, a =>
        {
            a["name"] = "renamed";
            a["event_rule"] = new JsonObject { ["event_type"] = "maintenance.host", ["query"] = new JsonArray(new JsonObject { ["field"] = "traits.host", ["op"] = "eq", ["value"] = "compute-1" }) };
            a["alarm_actions"] = new JsonArray("http://127.0.0.1:9/other");
        });

        var updated = await ReadAsync(response);
        Assert.Equal("maintenance.host", updated["event_rule"]!["event_type"]!.GetValue<string>());
        Assert.Equal("compute-1", updated["event_rule"]!["query"]![0]!["value"]!.GetValue<string>());
        var detail = (await HistoryAsync(client, id))[0]!["detail"]!.GetValue<string>();
        Assert.Equal("""{"name": "renamed", "alarm_actions": ["http://127.0.0.1:9/other"], "rule": {"event_type": "maintenance.host", "query": [{"field": "traits.host", "op": "eq", "value": "compute-1", "type": ""}]}}""", detail);
    }

    public static TheoryData<string, string> BadUpdates => new()
    {
        { """{"severity": "high"}""", "severity: 'high' is not a severity" },
        { """{"name": ""}""", "name: required" },
        { """{"type": "threshold"}""", "type: 'threshold' alarms are not supported" },
        { """{"event_rule": {"event_type": "x", "query": [{"field": "traits.n", "value": "x", "type": "integer"}]}}""", "event_rule.query[0].value: 'x' is not an integer" },
        { """{"alarm_actions": []}""", "alarm_actions: required" },
        { """{"state": "broken"}""", "state: 'broken' is not a state" },
        { """{"enabled": "yes"}""", "enabled: expected true or false" },
    };

    [Theory]
    [MemberData(nameof(BadUpdates))]
    public async Task Put_IsValidatedLikeACreate_AndAWrongFieldChangesNothing(string patch, string title)
    {
        var client = _api.Client("project", "p-bad-put");
        var created = await CreateAsync(client, NewAlarm());
        var id = created["alarm_id"]!.GetValue<string>();

        await AssertProblemAsync(await UpdateAsync(client, id, a =>
        {
            foreach (var (name, value) in JsonNode.Parse(patch)!.AsObject())
                a[name] = value?.DeepClone();
        }), HttpStatusCode.BadRequest, title);

        var after = (await client.GetFromJsonAsync<JsonObject>($"/v2/alarms/{id}"))!;
        Assert.Equal(created["timestamp"]!.GetValue<string>(), after["timestamp"]!.GetValue<string>());
        Assert.Single(await HistoryAsync(client, id));
    }

    [Theory]
    [InlineData("{not json", "body: malformed JSON")]
    [InlineData("[]", "body: expected a JSON object")]
    public async Task Put_WithAnUnreadableBody_Returns400(string body, string title)
    {
        var client = _api.Client("project", "p-unreadable");
        var id = (await CreateAsync(client, NewAlarm()))["alarm_id"]!.GetValue<string>();

        await AssertProblemAsync(await client.PutAsync($"/v2/alarms/{id}", Json(body)), HttpStatusCode.BadRequest, title);
    }

    [Fact]
    public async Task Put_AsAnotherProject_OrOnAnUnknownAlarm_Returns404_AndChangesNothing()
    {
        var id = (await CreateAsync(_api.Client("project", "p-owner"), NewAlarm()))["alarm_id"]!.GetValue<string>();
        var body = (await _api.Client("project", "p-owner").GetFromJsonAsync<JsonObject>($"/v2/alarms/{id}"))!;
        body["name"] = "stolen";

        await AssertProblemAsync(await _api.Client("project", "p-thief").PutAsync($"/v2/alarms/{id}", Json(body.ToJsonString())), HttpStatusCode.NotFound, $"alarm '{id}' not found");
        await AssertProblemAsync(await _api.Client("project", "p-thief").PutAsync($"/v2/alarms/{id}/state", Json("\"ok\"")), HttpStatusCode.NotFound, $"alarm '{id}' not found");
        await AssertProblemAsync(await _api.Client().PutAsync($"/v2/alarms/{Guid.NewGuid()}", Json(body.ToJsonString())), HttpStatusCode.NotFound, "alarm '");

        Assert.NotEqual("stolen", (await _api.Client("project", "p-owner").GetFromJsonAsync<JsonObject>($"/v2/alarms/{id}"))!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Put_AsProject_NamingAnotherProject_KeepsTheAlarmInItsOwn()
    {
        var client = _api.Client("project", "p-keep-own");
        var id = (await CreateAsync(client, NewAlarm()))["alarm_id"]!.GetValue<string>();

        var updated = await ReadAsync(await UpdateAsync(client, id, a => a["project_id"] = "p-elsewhere"));

        Assert.Equal("p-keep-own", updated["project_id"]!.GetValue<string>());
        Assert.Empty((await _api.Client("project", "p-elsewhere").GetFromJsonAsync<JsonArray>("/v2/alarms"))!);
    }

    [Fact]
    public async Task Put_AsAdmin_ActsForTheOwner_AndMayMoveTheAlarmToAnotherProject()
    {
        var id = (await CreateAsync(_api.Client("project", "p-from", "u-owner"), NewAlarm()))["alarm_id"]!.GetValue<string>();
        var admin = _api.Client("admin", user: "u-admin");

        var renamed = await ReadAsync(await UpdateAsync(admin, id, a => { a.Remove("project_id"); a.Remove("user_id"); a["name"] = "by-admin"; }));
        Assert.Equal(("p-from", "u-owner"), (renamed["project_id"]!.GetValue<string>(), renamed["user_id"]!.GetValue<string>()));
        var moved = await ReadAsync(await UpdateAsync(admin, id, a => a["project_id"] = "p-to"));

        Assert.Equal("p-to", moved["project_id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await _api.Client("project", "p-to").GetAsync($"/v2/alarms/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.Client("project", "p-from").GetAsync($"/v2/alarms/{id}")).StatusCode);
        var history = await HistoryAsync(admin, id);
        Assert.Equal(("u-admin", "p-to"), (history[0]!["user_id"]!.GetValue<string>(), history[0]!["on_behalf_of"]!.GetValue<string>()));
        Assert.Null(history[0]!["project_id"]); // an admin token has no project
    }

    [Fact]
    public async Task Put_WithAnotherState_SetsItByHand_AsAodhRecordsIt()
    {
        var client = _api.Client("project", "p-put-state");
        var id = (await CreateAsync(client, NewAlarm()))["alarm_id"]!.GetValue<string>();

        var updated = await ReadAsync(await UpdateAsync(client, id, a => a["state"] = "alarm"));

        Assert.Equal(("alarm", "Manually set via API"), (updated["state"]!.GetValue<string>(), updated["state_reason"]!.GetValue<string>()));
        var change = (await HistoryAsync(client, id))[0]!;
        Assert.Equal("rule change", change["type"]!.GetValue<string>());
        Assert.Equal("""{"state": "alarm", "state_reason": "Manually set via API"}""", change["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task State_GetThenSet_AnswersTheStateAsAJsonString_AndRecordsAStateTransition()
    {
        var client = _api.Client("project", "p-state", "u-state");
        var id = (await CreateAsync(client, NewAlarm()))["alarm_id"]!.GetValue<string>();

        var before = await client.GetAsync($"/v2/alarms/{id}/state");
        var set = await client.PutAsync($"/v2/alarms/{id}/state", Json("\"alarm\""));

        Assert.Equal("\"insufficient data\"", await before.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal("\"alarm\"", await set.Content.ReadAsStringAsync());
        Assert.Equal("\"alarm\"", await client.GetStringAsync($"/v2/alarms/{id}/state"));
        var shown = (await client.GetFromJsonAsync<JsonObject>($"/v2/alarms/{id}"))!;
        Assert.Equal("Manually set via API", shown["state_reason"]!.GetValue<string>());
        var change = (await HistoryAsync(client, id))[0]!;
        Assert.Equal("state transition", change["type"]!.GetValue<string>());
        Assert.Equal("""{"state": "alarm", "state_reason": "Manually set via API"}""", change["detail"]!.GetValue<string>());
        Assert.Equal(("u-state", "p-state"), (change["user_id"]!.GetValue<string>(), change["on_behalf_of"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("\"broken\"", "state invalid: 'broken' is not ok, alarm or insufficient data")]
    [InlineData("""{"state": "ok"}""", "body: expected the state as a JSON string")]
    [InlineData("ok", "body: malformed JSON")]
    public async Task State_SetToSomethingElseThanAState_Returns400_AndKeepsTheState(string body, string title)
    {
        var client = _api.Client("project", "p-bad-state");
        var id = (await CreateAsync(client, NewAlarm()))["alarm_id"]!.GetValue<string>();

        await AssertProblemAsync(await client.PutAsync($"/v2/alarms/{id}/state", Json(body)), HttpStatusCode.BadRequest, title);

        Assert.Equal("\"insufficient data\"", await client.GetStringAsync($"/v2/alarms/{id}/state"));
    }

    [Fact]
    public async Task GivenAnAlarmUpdatedToANewEventType_WhenBothEventsArrive_ThenOnlyTheNewRuleFires()
    {
        await using var listener = await WebhookListener.StartAsync();
        var client = _api.Client("project", "p-heat");
        var id = (await CreateAsync(client, NewAlarm("maintenance.scheduled", listener.Url("/heat").ToString())))["alarm_id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await UpdateAsync(client, id, a => a["event_rule"] = new JsonObject { ["event_type"] = "maintenance.host" })).StatusCode);

        await _api.Notifier.HandleAsync([AlarmExamples.Recorded(AlarmExamples.Notification("maintenance.scheduled", "p-heat"))], CancellationToken.None);
        var hit = AlarmExamples.Notification("maintenance.host", "p-heat");
        await _api.Notifier.HandleAsync([AlarmExamples.Recorded(hit)], CancellationToken.None);

        var post = Assert.Single(await listener.WaitForAcceptedAsync("/heat", 1));
        Assert.Equal("maintenance.host", JsonNode.Parse(post.Body)!["reason_data"]!["event"]!["event_type"]!.GetValue<string>());
        await _api.Dispatcher.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Single(listener.Accepted("/heat"));
    }

    [Fact]
    public async Task GivenAFiredAlarmThatDoesNotRepeat_WhenSetBackToOk_ThenItsNextMatchFiresAgain()
    {
        await using var listener = await WebhookListener.StartAsync();
        var client = _api.Client("project", "p-rearm");
        var id = (await CreateAsync(client, NewAlarm("maintenance.scheduled", listener.Url("/rearm").ToString())))["alarm_id"]!.GetValue<string>();
        await _api.Notifier.HandleAsync([AlarmExamples.Recorded(AlarmExamples.Notification("maintenance.scheduled", "p-rearm"))], CancellationToken.None);
        await listener.WaitForAcceptedAsync("/rearm", 1);
        await _api.Notifier.HandleAsync([AlarmExamples.Recorded(AlarmExamples.Notification("maintenance.scheduled", "p-rearm"))], CancellationToken.None);
        await _api.Dispatcher.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Single(listener.Accepted("/rearm")); // in alarm already: silent, as in Aodh

        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync($"/v2/alarms/{id}/state", Json("\"ok\""))).StatusCode);
        await _api.Notifier.HandleAsync([AlarmExamples.Recorded(AlarmExamples.Notification("maintenance.scheduled", "p-rearm"))], CancellationToken.None);

        var posts = await listener.WaitForAcceptedAsync("/rearm", 2);
        Assert.Equal("ok", JsonNode.Parse(posts[1].Body)!["previous"]!.GetValue<string>());
        Assert.Equal("\"alarm\"", await client.GetStringAsync($"/v2/alarms/{id}/state"));
    }
}
