using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text;
using Doctor.Workflows.Notifications;
using Doctor.Workflows.Notifications.Delivery;
using static Doctor.Tests.Notifications.AlarmApiHost;

namespace Doctor.Tests.Notifications;

public class AlarmApiTests(AlarmApiFixture fixture) : IClassFixture<AlarmApiFixture>
{
    private readonly AlarmApiHost _api = fixture.Host;

    private static JsonObject ValidAlarm(string? name = null) => new()
    {
        ["name"] = name ?? "alarm-" + Guid.NewGuid().ToString("N")[..8],
        ["type"] = "event",
        ["event_rule"] = new JsonObject
        {
            ["event_type"] = "maintenance.scheduled",
            ["query"] = new JsonArray(new JsonObject { ["field"] = "traits.state", ["op"] = "eq", ["value"] = "MAINTENANCE", ["type"] = "string" }),
        },
        ["alarm_actions"] = new JsonArray("http://127.0.0.1:9/vnfm"),
    };

    private static async Task<JsonObject> ReadObjectAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    private static async Task<JsonArray> ListAsync(HttpClient client, string query = "")
    {
        var response = await client.GetAsync("/v2/alarms" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
    }

    private async Task<JsonObject> CreateAsync(HttpClient client, JsonObject alarm)
    {
        var response = await client.PostAsync("/v2/alarms", Json(alarm.ToJsonString()));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await ReadObjectAsync(response);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string titleStart)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await ReadObjectAsync(response);
        Assert.StartsWith(titleStart, problem["title"]!.GetValue<string>());
        Assert.Equal((int)status, problem["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task Post_AsProject_WithValidEventAlarm_Returns201WithAodhShape()
    {
        var client = _api.Client("project", "p-shape", "u-1");

        var response = await client.PostAsync("/v2/alarms", Json(ValidAlarm("vnfm-maintenance").ToJsonString()));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var alarm = await ReadObjectAsync(response);
        var id = alarm["alarm_id"]!.GetValue<string>();
        Assert.True(Guid.TryParse(id, out _));
        Assert.Equal($"/v2/alarms/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("vnfm-maintenance", alarm["name"]!.GetValue<string>());
        Assert.Equal("event", alarm["type"]!.GetValue<string>());
        Assert.Equal("maintenance.scheduled", alarm["event_rule"]!["event_type"]!.GetValue<string>());
        Assert.Equal("""[{"field":"traits.state","op":"eq","value":"MAINTENANCE","type":"string"}]""", alarm["event_rule"]!["query"]!.ToJsonString());
        Assert.Equal("""["http://127.0.0.1:9/vnfm"]""", alarm["alarm_actions"]!.ToJsonString());
        Assert.Empty(alarm["ok_actions"]!.AsArray());
        Assert.Empty(alarm["insufficient_data_actions"]!.AsArray());
        Assert.False(alarm["repeat_actions"]!.GetValue<bool>());
        Assert.Equal("low", alarm["severity"]!.GetValue<string>());
        Assert.True(alarm["enabled"]!.GetValue<bool>());
        Assert.Equal("Alarm when maintenance.scheduled event occurred.", alarm["description"]!.GetValue<string>());
        Assert.Equal("insufficient data", alarm["state"]!.GetValue<string>());
        Assert.True(DateTime.TryParse(alarm["state_timestamp"]!.GetValue<string>(), out _));
        Assert.True(DateTime.TryParse(alarm["timestamp"]!.GetValue<string>(), out _));
        Assert.Equal("p-shape", alarm["project_id"]!.GetValue<string>());
        Assert.Equal("u-1", alarm["user_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Post_WithEveryOption_KeepsThem_AndStoresAodhsOperatorName()
    {
        var body = ValidAlarm();
        body["event_rule"]!["event_type"] = "maintenance.*";
        body["event_rule"]!["query"] = new JsonArray(
            new JsonObject { ["field"] = "traits.n", ["op"] = ">=", ["value"] = 3, ["type"] = "integer" },
            new JsonObject { ["field"] = "traits.state", ["value"] = "MAINTENANCE" });
        body["repeat_actions"] = true;
        body["severity"] = "critical";
        body["enabled"] = false;
        body["description"] = "mine";
        body["ok_actions"] = new JsonArray("https://vnfm.example/ok");
        body["state"] = "alarm"; // not the client's to set: every alarm starts in insufficient data

        var alarm = await CreateAsync(_api.Client(), body);

        Assert.Equal("maintenance.*", alarm["event_rule"]!["event_type"]!.GetValue<string>());
        Assert.Equal(
            """[{"field":"traits.n","op":"ge","value":"3","type":"integer"},{"field":"traits.state","op":"eq","value":"MAINTENANCE","type":""}]""",
            alarm["event_rule"]!["query"]!.ToJsonString());
        Assert.True(alarm["repeat_actions"]!.GetValue<bool>());
        Assert.Equal("critical", alarm["severity"]!.GetValue<string>());
        Assert.False(alarm["enabled"]!.GetValue<bool>());
        Assert.Equal("mine", alarm["description"]!.GetValue<string>());
        Assert.Equal("""["https://vnfm.example/ok"]""", alarm["ok_actions"]!.ToJsonString());
        Assert.Equal("insufficient data", alarm["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task Post_AsProject_IgnoresTheBodysProjectId_AndPinsTheAlarmToTheCallersProject()
    {
        var body = ValidAlarm();
        body["project_id"] = "p-victim";

        var alarm = await CreateAsync(_api.Client("project", "p-pinned"), body);

        Assert.Equal("p-pinned", alarm["project_id"]!.GetValue<string>());
        Assert.Empty(await ListAsync(_api.Client("project", "p-victim")));
    }

    [Fact]
    public async Task Post_AsAdmin_WithProjectId_CreatesTheAlarmOnBehalfOfThatProject()
    {
        var body = ValidAlarm();
        body["project_id"] = "p-behalf";

        var alarm = await CreateAsync(_api.Client("admin"), body);

        Assert.Equal("p-behalf", alarm["project_id"]!.GetValue<string>());
        var theirs = Assert.Single(await ListAsync(_api.Client("project", "p-behalf")));
        Assert.Equal(alarm["alarm_id"]!.GetValue<string>(), theirs!["alarm_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Post_AsAnonymousCaller_IsAdmin_AndCreatesAnAdminAlarm()
    {
        var alarm = await CreateAsync(_api.Client(), ValidAlarm());

        Assert.Null(alarm["project_id"]);
        Assert.Null(alarm["user_id"]);
    }

    [Fact]
    public async Task Calls_AsProjectWithoutProjectId_OrWithUnknownRole_AreForbidden()
    {
        await AssertProblemAsync(await _api.Client("project").PostAsync("/v2/alarms", Json(ValidAlarm().ToJsonString())), HttpStatusCode.Forbidden, "a project token without a project_id");
        await AssertProblemAsync(await _api.Client("project").GetAsync("/v2/alarms"), HttpStatusCode.Forbidden, "a project token without a project_id");
        await AssertProblemAsync(await _api.Client("auditor").GetAsync("/v2/alarms"), HttpStatusCode.Forbidden, "role 'auditor' cannot use alarms");
    }

    [Fact]
    public async Task Get_ById_AsOwner_ReturnsTheAlarm_AsAnotherProject_Returns404()
    {
        var alarm = await CreateAsync(_api.Client("project", "p-get"), ValidAlarm());
        var id = alarm["alarm_id"]!.GetValue<string>();

        var own = await _api.Client("project", "p-get").GetAsync($"/v2/alarms/{id}");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(id, (await ReadObjectAsync(own))["alarm_id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await _api.Client("admin").GetAsync($"/v2/alarms/{id}")).StatusCode);
        await AssertProblemAsync(await _api.Client("project", "p-other").GetAsync($"/v2/alarms/{id}"), HttpStatusCode.NotFound, $"alarm '{id}' not found");
    }

    [Theory]
    [InlineData("3f1d2c4b-0000-4000-8000-000000000000")]
    [InlineData("not-a-uuid")]
    public async Task Get_ById_WithUnknownId_Returns404(string id) =>
        await AssertProblemAsync(await _api.Client().GetAsync($"/v2/alarms/{id}"), HttpStatusCode.NotFound, $"alarm '{id}' not found");

    [Fact]
    public async Task List_AsProject_ShowsOnlyItsOwn_AsAdmin_ShowsEveryProjects()
    {
        var mine = await CreateAsync(_api.Client("project", "p-list-a"), ValidAlarm());
        var theirs = await CreateAsync(_api.Client("project", "p-list-b"), ValidAlarm());

        var own = await ListAsync(_api.Client("project", "p-list-a"));
        var all = await ListAsync(_api.Client("admin"));

        Assert.Equal([mine["alarm_id"]!.GetValue<string>()], own.Select(a => a!["alarm_id"]!.GetValue<string>()));
        var allIds = all.Select(a => a!["alarm_id"]!.GetValue<string>()).ToList();
        Assert.Contains(mine["alarm_id"]!.GetValue<string>(), allIds);
        Assert.Contains(theirs["alarm_id"]!.GetValue<string>(), allIds);
    }

    [Fact]
    public async Task List_WithAodhQueryFilter_FiltersByNameProjectAndType()
    {
        var admin = _api.Client("admin");
        var target = await CreateAsync(_api.Client("project", "p-filter"), ValidAlarm("filter-target"));
        await CreateAsync(_api.Client("project", "p-filter"), ValidAlarm("filter-other"));
        var id = target["alarm_id"]!.GetValue<string>();

        Assert.Equal([id], (await ListAsync(admin, "?q.field=name&q.op=eq&q.value=filter-target")).Select(a => a!["alarm_id"]!.GetValue<string>()));
        Assert.Equal(2, (await ListAsync(admin, "?q.field=project_id&q.value=p-filter")).Count);
        Assert.Equal([id], (await ListAsync(admin, "?q.field=project_id&q.field=name&q.op=eq&q.op=eq&q.value=p-filter&q.value=filter-target"))
            .Select(a => a!["alarm_id"]!.GetValue<string>()));
        Assert.Equal(2, (await ListAsync(_api.Client("project", "p-filter"), "?q.field=type&q.op=eq&q.value=event")).Count);
        Assert.Empty(await ListAsync(admin, "?q.field=type&q.op=eq&q.value=threshold"));
        // Aodh refuses a project's filter on another project rather than widening it.
        await AssertProblemAsync(await _api.Client("project", "p-filter-other").GetAsync("/v2/alarms?q.field=project_id&q.value=p-filter"),
            HttpStatusCode.Forbidden, "Not Authorized to access project p-filter");
    }

    [Theory]
    [InlineData("?q.field=colour&q.value=red", "Invalid input for field/attribute field. Value: '{'colour'}'. only fields {'alarm_id', 'all_projects', 'enabled', 'name', 'project_id', 'repeat_actions', 'severity', 'state', 'timestamp', 'type', 'user_id'} are allowed")]
    [InlineData("?q.field=name&q.op=like&q.value=x", "Invalid input for field/attribute op. Value: 'like'. Value should be one of: lt, le, eq, ne, ge, gt")]
    [InlineData("?q.field=name&q.value=x&q.type=number", "The data type number is not supported. The supported data type list is: ['integer', 'float', 'string', 'boolean', 'datetime']")]
    [InlineData("?q.field=name&q.field=state&q.op=eq&q.op=eq&q.value=a&q.value=b&q.type=string", "q.type: 1 type(s) for 2 q.field(s)")]
    [InlineData("?q.field=name", "q.value: 0 value(s) for 1 q.field(s)")]
    [InlineData("?q.field=name&q.field=state&q.op=eq&q.value=a&q.value=b", "q.op: 1 operator(s) for 2 q.field(s)")]
    public async Task List_WithBadFilter_Returns400NamingTheParameter(string query, string title) =>
        await AssertProblemAsync(await _api.Client().GetAsync("/v2/alarms" + query), HttpStatusCode.BadRequest, title);

    [Fact]
    public async Task Delete_AsOwner_Returns204_AndTheAlarmIsGone()
    {
        var client = _api.Client("project", "p-delete");
        var id = (await CreateAsync(client, ValidAlarm()))["alarm_id"]!.GetValue<string>();

        var response = await client.DeleteAsync($"/v2/alarms/{id}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await AssertProblemAsync(await client.GetAsync($"/v2/alarms/{id}"), HttpStatusCode.NotFound, "alarm");
        await AssertProblemAsync(await client.DeleteAsync($"/v2/alarms/{id}"), HttpStatusCode.NotFound, "alarm");
    }

    [Fact]
    public async Task Delete_AsAnotherProject_Returns404_AndTheAlarmStays()
    {
        var id = (await CreateAsync(_api.Client("project", "p-keep"), ValidAlarm()))["alarm_id"]!.GetValue<string>();

        await AssertProblemAsync(await _api.Client("project", "p-thief").DeleteAsync($"/v2/alarms/{id}"), HttpStatusCode.NotFound, $"alarm '{id}' not found");

        Assert.Equal(HttpStatusCode.OK, (await _api.Client("project", "p-keep").GetAsync($"/v2/alarms/{id}")).StatusCode);
    }

    [Theory]
    [InlineData("{not json", "body: malformed JSON")]
    [InlineData("", "body: malformed JSON")]
    [InlineData("""{"name": "a", "name": "b"}""", "body: malformed JSON")]
    [InlineData("[]", "body: expected a JSON object")]
    [InlineData("null", "body: expected a JSON object")]
    public async Task Post_WithUnreadableBody_Returns400(string body, string title) =>
        await AssertRefusedAsync(body, title);

    [Theory]
    [InlineData("""{"name": null}""", "name: required")]
    [InlineData("""{"name": ""}""", "name: required")]
    [InlineData("""{"name": 5}""", "name: expected a string")]
    [InlineData("""{"type": null}""", "type: required; only \"event\" alarms are supported")]
    [InlineData("""{"type": "threshold"}""", "type: 'threshold' alarms are not supported, only \"event\" alarms")]
    [InlineData("""{"type": "gnocchi_resources_threshold"}""", "type: 'gnocchi_resources_threshold' alarms are not supported")]
    [InlineData("""{"event_rule": null}""", "event_rule: required for an event alarm")]
    [InlineData("""{"event_rule": "maintenance.scheduled"}""", "event_rule: expected an object")]
    [InlineData("""{"event_rule": {"event_type": null}}""", "event_rule.event_type: required")]
    [InlineData("""{"event_rule": {"event_type": ""}}""", "event_rule.event_type: required")]
    [InlineData("""{"event_rule": {"event_type": 7}}""", "event_rule.event_type: expected a string")]
    [InlineData("""{"event_rule": {"event_type": "a[z-a]"}}""", "event_rule.event_type: 'a[z-a]' is not a valid pattern")]
    [InlineData("""{"event_rule": {"query": {"field": "traits.state"}}}""", "event_rule.query: expected a list")]
    [InlineData("""{"event_rule": {"query": [1]}}""", "event_rule.query[0]: expected an object")]
    [InlineData("""{"event_rule": {"query": [{"op": "eq", "value": "x"}]}}""", "event_rule.query[0].field: required")]
    [InlineData("""{"event_rule": {"query": [{"field": "state", "value": "x"}]}}""", "event_rule.query[0].field: 'state' is not a queryable field")]
    [InlineData("""{"event_rule": {"query": [{"field": "traits.state", "op": "like", "value": "x"}]}}""", "event_rule.query[0].op: 'like' is not an operator")]
    [InlineData("""{"event_rule": {"query": [{"field": "traits.state", "op": 1, "value": "x"}]}}""", "event_rule.query[0].op: expected a string")]
    [InlineData("""{"event_rule": {"query": [{"field": "traits.state", "op": "eq"}]}}""", "event_rule.query[0].value: required")]
    [InlineData("""{"event_rule": {"query": [{"field": "traits.state", "value": {"a": 1}}]}}""", "event_rule.query[0].value: expected a string, number or boolean")]
    [InlineData("""{"event_rule": {"query": [{"field": "traits.n", "value": "1", "type": "number"}]}}""", "event_rule.query[0].type: 'number' is not a query type")]
    [InlineData("""{"event_rule": {"query": [{"field": "traits.n", "value": "x", "type": "integer"}]}}""", "event_rule.query[0].value: 'x' is not an integer")]
    [InlineData("""{"event_rule": {"query": [{"field": "traits.t", "value": "soon", "type": "datetime"}]}}""", "event_rule.query[0].value: 'soon' is not a datetime")]
    [InlineData("""{"event_rule": {"query": [{"field": "traits.a", "value": "x"}, {"field": "traits.b", "op": "~", "value": "y"}]}}""", "event_rule.query[1].op: '~' is not an operator")]
    [InlineData("""{"alarm_actions": null}""", "alarm_actions: required: at least one http or https URL")]
    [InlineData("""{"alarm_actions": []}""", "alarm_actions: required: at least one http or https URL")]
    [InlineData("""{"alarm_actions": "http://127.0.0.1:9/x"}""", "alarm_actions: expected a list")]
    [InlineData("""{"alarm_actions": ["not a url"]}""", "alarm_actions[0]: 'not a url' is not an http or https URL")]
    [InlineData("""{"alarm_actions": ["http://127.0.0.1:9/x", "ftp://host/file"]}""", "alarm_actions[1]: 'ftp://host/file' is not an http or https URL")]
    [InlineData("""{"alarm_actions": ["/relative/path"]}""", "alarm_actions[0]: '/relative/path' is not an http or https URL")]
    [InlineData("""{"alarm_actions": [5]}""", "alarm_actions[0]: not a string is not an http or https URL")]
    [InlineData("""{"ok_actions": ["mailto:ops@example.org"]}""", "ok_actions[0]: 'mailto:ops@example.org' is not an http or https URL")]
    [InlineData("""{"insufficient_data_actions": {}}""", "insufficient_data_actions: expected a list")]
    [InlineData("""{"repeat_actions": "yes"}""", "repeat_actions: expected true or false")]
    [InlineData("""{"enabled": 1}""", "enabled: expected true or false")]
    [InlineData("""{"severity": "high"}""", "severity: 'high' is not a severity: use low, moderate or critical")]
    [InlineData("""{"description": 5}""", "description: expected a string")]
    [InlineData("""{"project_id": 5}""", "project_id: expected a string")]
    public async Task Post_WithBadField_Returns400NamingIt_AndStoresNothing(string patch, string title)
    {
        var body = ValidAlarm();
        Merge(body, JsonNode.Parse(patch)!.AsObject());

        await AssertRefusedAsync(body.ToJsonString(), title);
    }

    [Fact]
    public async Task Alarm_CreatedThroughTheApi_FiresThroughTheHostsNotifier()
    {
        await using var listener = await WebhookListener.StartAsync();
        var body = ValidAlarm();
        body["alarm_actions"] = new JsonArray(listener.Url("/vnfm").ToString());
        var alarm = await CreateAsync(_api.Client("project", "p-fire"), body);
        var notification = AlarmExamples.Notification("maintenance.scheduled", "p-fire", """{"state": "MAINTENANCE"}""");

        await _api.Notifier.HandleAsync([AlarmExamples.Recorded(notification)], CancellationToken.None);

        var post = Assert.Single(await listener.WaitForAcceptedAsync("/vnfm", 1));
        var alarmId = Guid.Parse(alarm["alarm_id"]!.GetValue<string>());
        Assert.Equal(DeliveryIds.For(notification.MessageId, NotificationRouter.AlarmSubscriber(alarmId), listener.Url("/vnfm")).ToString(), post.EventId);
        Assert.True(WebhookSignature.Verify(alarm["secret"]!.GetValue<string>(), Encoding.UTF8.GetBytes(post.Body), post.Headers["X-Doctor-Signature"]));
        var shown = await _api.Client("project", "p-fire").GetFromJsonAsync<JsonObject>($"/v2/alarms/{alarm["alarm_id"]}");
        Assert.Equal("alarm", shown!["state"]!.GetValue<string>());
        Assert.Null(shown["secret"]); // shown once, at creation

        await _api.Dispatcher.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var history = await _api.Client("project", "p-fire").GetFromJsonAsync<JsonArray>($"/v2/alarms/{alarmId}/history") ?? [];
        Assert.Equal(["delivery", "state transition", "creation"], history.Select(h => h!["type"]!.GetValue<string>()));
        var transition = JsonNode.Parse(history[1]!["detail"]!.GetValue<string>())!;
        Assert.Equal("alarm", transition["state"]!.GetValue<string>());
        Assert.StartsWith("Event <id=", transition["transition_reason"]!.GetValue<string>()); // Aodh's evaluator says why
        Assert.Equal("p-fire", history[1]!["on_behalf_of"]!.GetValue<string>());
        Assert.Null(history[1]!["user_id"]); // the service moved it, not a user
        var delivery = JsonNode.Parse(history[0]!["detail"]!.GetValue<string>())!;
        Assert.Equal(post.EventId, delivery["event_id"]!.GetValue<string>());
        Assert.Equal("delivered", delivery["status"]!.GetValue<string>());
        var hidden = await _api.Client("project", "p-other").GetAsync($"/v2/alarms/{alarmId}/history");
        await AssertProblemAsync(hidden, HttpStatusCode.NotFound, "alarm '");
    }

    private async Task AssertRefusedAsync(string body, string title)
    {
        var before = (await ListAsync(_api.Client())).Count;

        await AssertProblemAsync(await _api.Client().PostAsync("/v2/alarms", Json(body)), HttpStatusCode.BadRequest, title);

        Assert.Equal(before, (await ListAsync(_api.Client())).Count);
    }

    /// <summary>JSON merge patch (RFC 7396): objects merge, null removes, anything else replaces.</summary>
    private static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (name, value) in patch.ToList())
        {
            if (value is null)
                target.Remove(name);
            else if (value is JsonObject nested && target[name] is JsonObject existing)
                Merge(existing, nested);
            else
                target[name] = value.DeepClone();
        }
    }
}
