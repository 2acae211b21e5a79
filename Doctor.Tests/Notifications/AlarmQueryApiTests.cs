using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using static Doctor.Tests.Notifications.AlarmApiHost;

namespace Doctor.Tests.Notifications;

/// <summary>
/// Aodh's queries: <c>q.*</c> filters with every operator, sort/limit/marker on lists and history, and the complex
/// query on alarms and history — with Aodh's messages for what it refuses, and a project never seeing past its own.
/// </summary>
public class AlarmQueryApiTests(AlarmApiFixture fixture) : IClassFixture<AlarmApiFixture>
{
    private readonly AlarmApiHost _api = fixture.Host;

    private async Task<List<string>> CreateAsync(string project, params (string Name, string Severity)[] alarms)
    {
        var ids = new List<string>();
        foreach (var (name, severity) in alarms)
        {
            var body = new JsonObject
            {
                ["name"] = name, ["type"] = "event", ["severity"] = severity,
                ["event_rule"] = new JsonObject { ["event_type"] = "maintenance.scheduled" },
                ["alarm_actions"] = new JsonArray("http://127.0.0.1:9/vnfm"),
            };
            var response = await _api.Client("project", project, "u-" + project).PostAsync("/v2/alarms", Json(body.ToJsonString()));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            ids.Add(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["alarm_id"]!.GetValue<string>());
        }
        return ids;
    }

    private static async Task<JsonArray> GetArrayAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
    }

    private static async Task<JsonArray> PostQueryAsync(HttpClient client, string url, JsonObject body)
    {
        var response = await client.PostAsync(url, Json(body.ToJsonString()));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
    }

    private static JsonObject Query(string? filter = null, string? orderby = null, int? limit = null)
    {
        var body = new JsonObject();
        if (filter is not null) body["filter"] = filter;
        if (orderby is not null) body["orderby"] = orderby;
        if (limit is not null) body["limit"] = limit;
        return body;
    }

    private static IEnumerable<string> Names(JsonArray alarms) => alarms.Select(a => a!["name"]!.GetValue<string>());

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string title, bool exact = true)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        if (exact)
            Assert.Equal(title, problem["title"]!.GetValue<string>());
        else
            Assert.StartsWith(title, problem["title"]!.GetValue<string>());
        Assert.Equal(problem["title"]!.GetValue<string>(), problem["error_message"]!["faultstring"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_WithEachOfAodhsOperators_FiltersByTheFieldsValue()
    {
        await CreateAsync("p-ops", ("ops-a", "low"), ("ops-b", "moderate"), ("ops-c", "critical"));
        var client = _api.Client("project", "p-ops");

        Assert.Equal(["ops-b"], Names(await GetArrayAsync(client, "/v2/alarms?q.field=severity&q.op=eq&q.value=moderate")));
        Assert.Equal(["ops-a", "ops-c"], Names(await GetArrayAsync(client, "/v2/alarms?q.field=severity&q.op=ne&q.value=moderate")).Order());
        Assert.Equal(["ops-a"], Names(await GetArrayAsync(client, "/v2/alarms?q.field=name&q.op=lt&q.value=ops-b")));
        Assert.Equal(["ops-a", "ops-b"], Names(await GetArrayAsync(client, "/v2/alarms?q.field=name&q.op=le&q.value=ops-b")).Order());
        Assert.Equal(["ops-c"], Names(await GetArrayAsync(client, "/v2/alarms?q.field=name&q.op=gt&q.value=ops-b")));
        Assert.Equal(["ops-b", "ops-c"], Names(await GetArrayAsync(client, "/v2/alarms?q.field=name&q.op=ge&q.value=ops-b&q.field=state&q.op=eq&q.value=insufficient%20data")).Order());
        Assert.Equal(3, (await GetArrayAsync(client, "/v2/alarms?q.field=enabled&q.value=True")).Count); // no q.type: Aodh's guess reads True as a boolean
        Assert.Empty(await GetArrayAsync(client, "/v2/alarms?q.field=repeat_actions&q.op=eq&q.value=true&q.type=boolean"));
        Assert.Equal(3, (await GetArrayAsync(client, "/v2/alarms?q.field=timestamp&q.op=gt&q.value=2020-01-01T00:00:00&q.type=datetime")).Count);
        Assert.Empty(await GetArrayAsync(client, "/v2/alarms?q.field=timestamp&q.op=lt&q.value=2020-01-01T00:00:00"));
        Assert.Equal(3, (await GetArrayAsync(client, "/v2/alarms?q.field=all_projects&q.value=false")).Count);
    }

    [Theory]
    [InlineData("?q.field=enabled&q.value=maybe&q.type=boolean", "Unable to convert the value maybe to the expected data type boolean.")]
    [InlineData("?q.field=timestamp&q.op=gt&q.value=yesterday&q.type=datetime", "Unable to convert the value yesterday to the expected data type datetime.")]
    [InlineData("?q.field=name&q.value=x&q.type=integer", "Unable to convert the value x to the expected data type integer.")]
    [InlineData("?q.field=name&q.value=x&q.type=float", "Unable to convert the value x to the expected data type float.")]
    [InlineData("?q.field=enabled&q.value=3&q.type=integer", "Unable to convert the value 3 to the expected data type boolean.")]
    [InlineData("?q.field=timestamp&q.value=soon", "Unable to convert the value soon to the expected data type datetime.")]
    public async Task List_WithAValueOfTheWrongType_Returns400_InAodhsWords(string query, string title) =>
        await AssertProblemAsync(await _api.Client().GetAsync("/v2/alarms" + query), HttpStatusCode.BadRequest, title);

    [Fact]
    public async Task List_AllProjects_IsTheAdminsOnly()
    {
        await AssertProblemAsync(await _api.Client("project", "p-all").GetAsync("/v2/alarms?q.field=all_projects&q.value=true"),
            HttpStatusCode.Forbidden, "RBAC Authorization Failed", exact: false);
        Assert.Equal(HttpStatusCode.OK, (await _api.Client("admin").GetAsync("/v2/alarms?q.field=all_projects&q.value=true")).StatusCode);
    }

    [Fact]
    public async Task List_SortsLimitsAndPagesWithAMarker_AsAodhDoes()
    {
        var ids = await CreateAsync("p-page", ("name1", "moderate"), ("name2", "critical"), ("name3", "low"), ("name4", "critical"));
        var client = _api.Client("project", "p-page");

        Assert.Equal(["name4", "name3", "name2", "name1"], Names(await GetArrayAsync(client, "/v2/alarms"))); // Aodh's default: newest first
        Assert.Equal(["name4", "name3", "name2", "name1"], Names(await GetArrayAsync(client, "/v2/alarms?sort=name:desc")));
        Assert.Equal(["name1", "name2", "name3", "name4"], Names(await GetArrayAsync(client, "/v2/alarms?sort=name")));
        Assert.Equal(["name1", "name2"], Names(await GetArrayAsync(client, "/v2/alarms?sort=name:asc&limit=2")));
        Assert.Equal(["name2", "name1"], Names(await GetArrayAsync(client, $"/v2/alarms?sort=name:desc&marker={ids[2]}")));
        Assert.Equal(["name3", "name1", "name2", "name4"], Names(await GetArrayAsync(client, "/v2/alarms?sort=severity:asc&sort=name:asc"))); // by meaning
        Assert.Equal(["name2", "name4", "name1", "name3"], Names(await GetArrayAsync(client, "/v2/alarms?sort=severity:desc&sort=name")));
    }

    [Theory]
    [InlineData("?sort=invalid_key:desc", "Invalid input for field/attribute sort. Value: 'invalid_key:desc'. the sort parameter should be a pair of sort key and sort dir combined with ':', or only sort key specified and sort dir will be default 'asc', the supported sort keys are: ('alarm_id', 'enabled', 'name', 'type', 'severity', 'timestamp', 'user_id', 'project_id', 'state', 'repeat_actions', 'state_timestamp')")]
    [InlineData("?limit=0", "Invalid input for field/attribute limit. Value: '0'. it should be a positive integer.")]
    [InlineData("?limit=ten", "Invalid input for field/attribute limit. Value: 'ten'. unable to convert to int")]
    [InlineData("?marker=3f1d2c4b-0000-4000-8000-000000000000", "Marker 3f1d2c4b-0000-4000-8000-000000000000 not found.")]
    public async Task List_WithBadPaging_Returns400_InAodhsWords(string query, string title) =>
        await AssertProblemAsync(await _api.Client().GetAsync("/v2/alarms" + query), HttpStatusCode.BadRequest, title);

    [Fact]
    public async Task History_FiltersByTypeSeverityAndTime_AndPages()
    {
        var id = (await CreateAsync("p-hist", ("hist", "low")))[0];
        var client = _api.Client("project", "p-hist", "u-p-hist");
        foreach (var name in new[] { "h1", "h2", "h3" })
        {
            var shown = (await client.GetFromJsonAsync<JsonObject>($"/v2/alarms/{id}"))!;
            shown["name"] = name;
            Assert.Equal(HttpStatusCode.OK, (await client.PutAsync($"/v2/alarms/{id}", Json(shown.ToJsonString()))).StatusCode);
        }
        var all = await GetArrayAsync(client, $"/v2/alarms/{id}/history");
        var after = all[1]!["timestamp"]!.GetValue<string>();

        Assert.Equal(["""{"name": "h3"}""", """{"name": "h2"}""", """{"name": "h1"}"""],
            (await GetArrayAsync(client, $"/v2/alarms/{id}/history?q.field=type&q.op=eq&q.value=rule%20change")).Select(h => h!["detail"]!.GetValue<string>()));
        Assert.Equal(["creation"], (await GetArrayAsync(client, $"/v2/alarms/{id}/history?q.field=severity&q.value=low")).Select(h => h!["type"]!.GetValue<string>()));
        Assert.Single(await GetArrayAsync(client, $"/v2/alarms/{id}/history?q.field=timestamp&q.op=gt&q.value={after}"));
        Assert.Equal(4, (await GetArrayAsync(client, $"/v2/alarms/{id}/history?q.field=timestamp&q.op=gt&q.value={after}&q.field=search_offset&q.op=eq&q.value=60")).Count);
        Assert.Equal(["creation", "rule change"], (await GetArrayAsync(client, $"/v2/alarms/{id}/history?sort=timestamp:asc&limit=2")).Select(h => h!["type"]!.GetValue<string>()));
        var page = await GetArrayAsync(client, $"/v2/alarms/{id}/history?marker={all[1]!["event_id"]!.GetValue<string>()}");
        Assert.Equal(all.Skip(2).Select(h => h!["event_id"]!.GetValue<string>()), page.Select(h => h!["event_id"]!.GetValue<string>()));
        Assert.Equal(4, (await GetArrayAsync(client, $"/v2/alarms/{id}/history?q.field=user_id&q.value=u-p-hist")).Count);
    }

    [Theory]
    [InlineData("?q.field=alarm_id&q.op=eq&q.value=a", "Unknown argument: \"alarm_id\": unrecognized field in query: [<Query 'alarm_id' eq 'a' Unset>], valid keys: ['project', 'search_offset', 'severity', 'timestamp', 'type', 'user']")]
    [InlineData("?q.field=abcd&q.op=eq&q.value=abcd", "Unknown argument: \"abcd\": unrecognized field in query: [<Query 'abcd' eq 'abcd' Unset>], valid keys: ['project', 'search_offset', 'severity', 'timestamp', 'type', 'user']")]
    [InlineData("?q.field=on_behalf_of&q.value=p-x", "Unknown argument: \"on_behalf_of\": unrecognized field in query: [<Query 'on_behalf_of' eq 'p-x' Unset>], valid keys: ['project', 'search_offset', 'severity', 'timestamp', 'type', 'user']")]
    [InlineData("?q.field=timestamp&q.op=gt&q.value=later", "Invalid input for field/attribute timestamp. Value: 'later'. invalid timestamp format")]
    [InlineData("?q.field=search_offset&q.value=5", "Invalid input for field/attribute field. Value: 'search_offset'. search_offset cannot be used without timestamp")]
    [InlineData("?sort=name", "Invalid input for field/attribute sort. Value: 'name'. the sort parameter should be a pair of sort key and sort dir combined with ':', or only sort key specified and sort dir will be default 'asc', the supported sort keys are: ('event_id', 'alarm_id', 'on_behalf_of', 'project_id', 'user_id', 'type', 'timestamp', 'severity')")]
    public async Task History_WithABadQuery_Returns400_InAodhsWords(string query, string title)
    {
        var id = (await CreateAsync("p-hist-bad", ("hist-bad", "low")))[0];

        await AssertProblemAsync(await _api.Client("project", "p-hist-bad").GetAsync($"/v2/alarms/{id}/history{query}"), HttpStatusCode.BadRequest, title);
    }

    [Fact]
    public async Task History_AsAProject_NamingAnotherProject_IsRefused_AsAodhRefusesIt()
    {
        var id = (await CreateAsync("p-hist-own", ("hist-own", "low")))[0];

        await AssertProblemAsync(await _api.Client("project", "p-hist-own").GetAsync($"/v2/alarms/{id}/history?q.field=project&q.value=p-elsewhere"),
            HttpStatusCode.Forbidden, "Not Authorized to access project p-elsewhere");
        Assert.Single(await GetArrayAsync(_api.Client("project", "p-hist-own"), $"/v2/alarms/{id}/history?q.field=project_id&q.value=p-hist-own"));
    }

    [Fact]
    public async Task ComplexQuery_OnAlarms_KnowsAndOrNotInAndPatterns_OrdersAndLimits()
    {
        await CreateAsync("p-cq", ("cq-a", "low"), ("cq-b", "moderate"), ("cq-c", "critical"), ("cq-d", "critical"));
        var client = _api.Client("project", "p-cq");
        const string url = "/v2/query/alarms";

        Assert.Equal(["cq-c", "cq-d"], Names(await PostQueryAsync(client, url, Query("""{"=": {"severity": "critical"}}"""))).Order());
        Assert.Equal(["cq-d", "cq-c", "cq-b"], Names(await PostQueryAsync(client, url, Query("""{"or": [{"=": {"severity": "critical"}}, {"=": {"name": "cq-b"}}]}""", """[{"name": "DESC"}]"""))));
        Assert.Equal(["cq-a", "cq-b"], Names(await PostQueryAsync(client, url, Query("""{"not": {"=": {"severity": "critical"}}}""", """[{"name": "asc"}]"""))));
        Assert.Equal(["cq-b", "cq-d"], Names(await PostQueryAsync(client, url, Query("""{"In": {"name": ["cq-b", "cq-d"]}}""", """[{"name": "asc"}]"""))));
        Assert.Equal(["cq-c"], Names(await PostQueryAsync(client, url, Query("""{"and": [{"=~": {"name": "^cq-[cd]$"}}, {"<": {"name": "cq-d"}}]}"""))));
        Assert.Equal(["cq-a"], Names(await PostQueryAsync(client, url, Query("""{"=<": {"name": "cq-a"}}"""))));
        Assert.Equal(["cq-a", "cq-b", "cq-c", "cq-d"], Names(await PostQueryAsync(client, url, Query("""{"and": [{"=": {"enabled": true}}, {">": {"timestamp": "2020-01-01T00:00:00"}}]}""", """[{"name": "asc"}]"""))));
        Assert.Equal(["cq-a", "cq-b"], Names(await PostQueryAsync(client, url, Query(orderby: """[{"severity": "asc"}, {"name": "asc"}]""", limit: 2))));
        Assert.Equal(["cq-d", "cq-c", "cq-b", "cq-a"], Names(await PostQueryAsync(client, url, Query()))); // newest first
        Assert.Equal(4, (await PostQueryAsync(client, url, Query("""{"=": {"project": "p-cq"}}"""))).Count);
    }

    [Fact]
    public async Task ComplexQuery_AsAProject_SeesItsOwnOnly_AndNamingAnotherProjectIsRefused()
    {
        await CreateAsync("p-cq-own", ("cq-own", "critical"));
        await CreateAsync("p-cq-theirs", ("cq-theirs", "critical"));

        Assert.Equal(["cq-own"], Names(await PostQueryAsync(_api.Client("project", "p-cq-own"), "/v2/query/alarms", Query("""{"=~": {"name": "^cq-(own|theirs)$"}}"""))));
        await AssertProblemAsync(await _api.Client("project", "p-cq-own").PostAsync("/v2/query/alarms", Json(Query("""{"or": [{"=": {"name": "x"}}, {"=": {"project_id": "p-cq-theirs"}}]}""").ToJsonString())),
            HttpStatusCode.Forbidden, "Not Authorized to access project p-cq-theirs");
        Assert.Equal(2, (await PostQueryAsync(_api.Client("admin"), "/v2/query/alarms", Query("""{"=~": {"name": "^cq-(own|theirs)$"}}"""))).Count);
    }

    [Theory]
    [InlineData("""{"filter": "{\"=\": {\"colour\": \"red\"}}"}""", "Filter expression not valid: 'colour' is not a field")]
    [InlineData("""{"filter": "{\"like\": {\"name\": \"x\"}}"}""", "Filter expression not valid: 'like' is not an operator")]
    [InlineData("""{"filter": "{\"and\": [{\"=\": {\"name\": \"x\"}}]}"}""", "Filter expression not valid: 'and' takes a list of two filters or more")]
    [InlineData("""{"filter": "{\"=\": {\"name\": \"x\"}, \"!=\": {\"name\": \"y\"}}"}""", "Filter expression not valid:")]
    [InlineData("""{"filter": "{\"in\": {\"name\": []}}"}""", "Filter expression not valid: 'in' takes a non-empty list")]
    [InlineData("""{"filter": "{\"=\": {\"name\": null}}"}""", "Filter expression not valid: '=' takes a string, number or boolean")]
    [InlineData("""{"filter": "{\"=~\": {\"name\": \"(\"}}"}""", "Filter expression not valid: '(' is not a regular expression")]
    [InlineData("""{"filter": "{\"=~\": {\"enabled\": \"t\"}}"}""", "Filter expression not valid: '=~' matches text fields")]
    [InlineData("""{"filter": "not json"}""", "Filter expression not valid:")]
    [InlineData("""{"filter": "{\">\": {\"timestamp\": \"soon\"}}"}""", "Failed to parse the timestamp value soon")]
    [InlineData("""{"filter": "{\"=\": {\"enabled\": \"maybe\"}}"}""", "Unable to convert the value maybe to the expected data type boolean.")]
    [InlineData("""{"orderby": "[{\"colour\": \"asc\"}]"}""", "Order-by expression not valid: 'colour' is not a field")]
    [InlineData("""{"orderby": "[{\"name\": \"up\"}]"}""", "Order-by expression not valid: name sorts asc or desc")]
    [InlineData("""{"orderby": "{\"name\": \"asc\"}"}""", "Order-by expression not valid: expected a list")]
    [InlineData("""{"limit": 0}""", "Limit should be positive")]
    public async Task ComplexQuery_ThatAodhWouldRefuse_Returns400_InItsWords(string body, string title) =>
        await AssertProblemAsync(await _api.Client().PostAsync("/v2/query/alarms", Json(body)), HttpStatusCode.BadRequest, title, exact: false);

    [Fact]
    public async Task ComplexQuery_OnHistory_SearchesEveryVisibleAlarmsChanges()
    {
        var ids = await CreateAsync("p-cqh", ("cqh-1", "low"), ("cqh-2", "low"));
        await CreateAsync("p-cqh-other", ("cqh-other", "low"));
        var client = _api.Client("project", "p-cqh");
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync($"/v2/alarms/{ids[1]}/state", Json("\"alarm\""))).StatusCode);

        var own = await PostQueryAsync(client, "/v2/query/alarms/history", Query());
        var transitions = await PostQueryAsync(client, "/v2/query/alarms/history", Query("""{"=": {"type": "state transition"}}"""));
        var oldestFirst = await PostQueryAsync(client, "/v2/query/alarms/history", Query(orderby: """[{"timestamp": "asc"}]""", limit: 2));

        Assert.Equal(3, own.Count);
        Assert.All(own, h => Assert.Equal("p-cqh", h!["on_behalf_of"]!.GetValue<string>()));
        Assert.Equal(ids[1], Assert.Single(transitions)!["alarm_id"]!.GetValue<string>());
        Assert.Equal(["creation", "creation"], oldestFirst.Select(h => h!["type"]!.GetValue<string>()));
        Assert.Equal(ids[0], oldestFirst[0]!["alarm_id"]!.GetValue<string>());
        await AssertProblemAsync(await client.PostAsync("/v2/query/alarms/history", Json(Query("""{"=": {"on_behalf_of": "p-cqh-other"}}""").ToJsonString())),
            HttpStatusCode.Forbidden, "Not Authorized to access project p-cqh-other");
        Assert.Contains(await PostQueryAsync(_api.Client("admin"), "/v2/query/alarms/history", Query("""{"=": {"on_behalf_of": "p-cqh-other"}}""")), h => h!["type"]!.GetValue<string>() == "creation");
    }
}
