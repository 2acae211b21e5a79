using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Doctor.Workflows.Faults;
using Doctor.Workflows.Notifications;
using Doctor.Workflows.Notifications.Delivery;
using static Doctor.Tests.Notifications.AlarmApiHost;

namespace Doctor.Tests.Notifications;

public class SubscriptionApiTests(AlarmApiFixture fixture) : IClassFixture<AlarmApiFixture>
{
    private readonly AlarmApiHost _api = fixture.Host;

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private static async Task<JsonNode> ReadAsync(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string title)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(title, (await ReadAsync(response))["title"]!.GetValue<string>());
    }

    private async Task<JsonObject> SubscribeAsync(HttpClient client, object request)
    {
        var response = await client.PostAsJsonAsync("/v1/subscriptions", request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await ReadAsync(response)).AsObject();
    }

    private static NotificationEmitted Fault(string projectId, string instanceId, string faultType = "compute.host.down", int severity = 3) =>
        AlarmExamples.Notification("doctor.fault", projectId, new JsonObject
        {
            ["virtual_resource_info"] = new JsonArray(new JsonObject
            {
                ["id"] = instanceId,
                ["state"] = "error",
                ["faults"] = new JsonArray(new JsonObject
                {
                    ["fault_id"] = "f-" + instanceId,
                    ["fault_type"] = faultType,
                    ["severity"] = severity,
                    ["event_time"] = "2026-11-28T20:00:00Z",
                    ["probable_cause"] = "host down",
                    ["correlated_fault_ids"] = new JsonArray(),
                    ["is_root_cause"] = true,
                    ["fault_details"] = new JsonObject(),
                }),
            }),
        }.ToJsonString());

    private async Task DeliverAsync(params NotificationEmitted[] notifications)
    {
        await _api.Notifier.HandleAsync([.. notifications.Select((n, i) => AlarmExamples.Recorded(n, i + 1))], CancellationToken.None);
        await _api.Dispatcher.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task Subscribe_AsOwner_Returns201WithSecretAndTheResourcesCurrentStateAndFaults()
    {
        var project = Unique("p");
        var vm = _api.Cloud.CreateInstance(project, "vm", 1);
        _api.Faults.Add(new ResourceFault(vm.Id, "f1", "compute.host.down", 4, DateTimeOffset.UtcNow, "host down", [], true, null));

        var created = await SubscribeAsync(_api.Client("project", project), new
        {
            filter = new { virtual_resource_id = new[] { vm.Id } },
            endpoints = new[] { "http://127.0.0.1:9/faults" },
        });

        Assert.True(Guid.TryParse(created["subscription_id"]!.GetValue<string>(), out _));
        Assert.Matches("^[0-9a-f]{64}$", created["secret"]!.GetValue<string>());
        var info = Assert.Single(created["virtual_resource_info"]!.AsArray())!;
        Assert.Equal(vm.Id, info["id"]!.GetValue<string>());
        Assert.Equal("ACTIVE", info["state"]!.GetValue<string>());
        Assert.Equal("f1", Assert.Single(info["faults"]!.AsArray())!["fault_id"]!.GetValue<string>());
        var shown = await _api.Client("project", project).GetFromJsonAsync<JsonObject>($"/v1/subscriptions/{created["subscription_id"]}");
        Assert.Null(shown!["secret"]);
        Assert.Equal(project, shown["project_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Subscribe_ToAnotherProjectsInstance_Returns404LikeAMissingOne_AndStoresNothing()
    {
        var owner = Unique("p");
        var intruder = Unique("p");
        var vm = _api.Cloud.CreateInstance(owner, "vm", 1);
        var client = _api.Client("project", intruder);

        var foreign = await client.PostAsJsonAsync("/v1/subscriptions", new { filter = new { virtual_resource_id = new[] { vm.Id } }, endpoints = new[] { "http://127.0.0.1:9/x" } });
        var missing = await client.PostAsJsonAsync("/v1/subscriptions", new { filter = new { virtual_resource_id = new[] { "no-such-vm" } }, endpoints = new[] { "http://127.0.0.1:9/x" } });

        await AssertProblemAsync(foreign, HttpStatusCode.NotFound, $"filter.virtual_resource_id: '{vm.Id}' not found");
        await AssertProblemAsync(missing, HttpStatusCode.NotFound, "filter.virtual_resource_id: 'no-such-vm' not found");
        Assert.Empty((await client.GetFromJsonAsync<JsonArray>("/v1/subscriptions"))!);
    }

    [Theory]
    [InlineData("[]", "body: expected a JSON object (a SubscribeRequest)")]
    [InlineData("""{"endpoints": []}""", "endpoints: required: a list of at least one http or https URL to POST fault notifications to")]
    [InlineData("""{"filter": {}}""", "endpoints: required: a list of at least one http or https URL to POST fault notifications to")]
    [InlineData("""{"endpoints": ["ftp://x/y"]}""", "endpoints[0]: expected an absolute http or https URL")]
    [InlineData("""{"endpoints": ["http://x/y"], "filter": 3}""", "filter: expected an object")]
    [InlineData("""{"endpoints": ["http://x/y"], "filter": {"min_severity": "high"}}""", "filter.min_severity: expected an integer")]
    [InlineData("""{"endpoints": ["http://x/y"], "filter": {"fault_type": "a"}}""", "filter.fault_type: expected a list of strings")]
    [InlineData("""{"endpoints": ["http://x/y"], "filter": {"virtual_resource_type": [""]}}""", "filter.virtual_resource_type[0]: expected a non-empty string")]
    [InlineData("""{"endpoints": ["http://x/y"], "filter": {"resource_id": ["a"]}}""", "filter.resource_id: unknown field (expected virtual_resource_type, virtual_resource_id, fault_type, min_severity)")]
    [InlineData("""{"endpoints": ["http://x/y"], "callback": "x"}""", "callback: unknown field (expected filter, endpoints)")]
    public async Task Subscribe_WithBadInput_Returns400NamingTheField_AndStoresNothing(string body, string title)
    {
        var project = Unique("p");
        var client = _api.Client("project", project);

        var response = await client.PostAsync("/v1/subscriptions", Json(body));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, title);
        Assert.Empty((await client.GetFromJsonAsync<JsonArray>("/v1/subscriptions"))!);
    }

    [Fact]
    public async Task Subscribe_WithMalformedJson_Returns400()
    {
        var response = await _api.Client("project", Unique("p")).PostAsync("/v1/subscriptions", Json("{\"endpoints\": ["));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("body: malformed JSON", (await ReadAsync(response))["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetAndDelete_AnotherProjectsSubscription_Return404_AndTheOwnerStillHasIt()
    {
        var owner = Unique("p");
        var created = await SubscribeAsync(_api.Client("project", owner), new { endpoints = new[] { "http://127.0.0.1:9/x" } });
        var id = created["subscription_id"]!.GetValue<string>();
        var other = _api.Client("project", Unique("p"));

        await AssertProblemAsync(await other.GetAsync($"/v1/subscriptions/{id}"), HttpStatusCode.NotFound, $"subscription '{id}' not found");
        await AssertProblemAsync(await other.DeleteAsync($"/v1/subscriptions/{id}"), HttpStatusCode.NotFound, $"subscription '{id}' not found");
        await AssertProblemAsync(await other.GetAsync($"/v1/subscriptions/{id}/deliveries"), HttpStatusCode.NotFound, $"subscription '{id}' not found");
        Assert.Empty((await other.GetFromJsonAsync<JsonArray>("/v1/subscriptions"))!);

        Assert.Single((await _api.Client("project", owner).GetFromJsonAsync<JsonArray>("/v1/subscriptions"))!);
        Assert.Equal(HttpStatusCode.NoContent, (await _api.Client("project", owner).DeleteAsync($"/v1/subscriptions/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.Client("project", owner).GetAsync($"/v1/subscriptions/{id}")).StatusCode);
        Assert.True((await _api.Client().GetFromJsonAsync<JsonArray>("/v1/subscriptions"))!.All(s => s!["subscription_id"]!.GetValue<string>() != id));
    }

    [Fact]
    public async Task FaultNotification_IsFilteredPerSubscription_SignedWithItsSecret_AndListedInItsDeliveries()
    {
        await using var listener = await WebhookListener.StartAsync();
        var project = Unique("p");
        var vm1 = _api.Cloud.CreateInstance(project, "vm1", 1);
        var vm2 = _api.Cloud.CreateInstance(project, "vm2", 1);
        var client = _api.Client("project", project);
        var all = await SubscribeAsync(client, new { endpoints = new[] { listener.Url("/all").ToString(), listener.Url("/all-2").ToString() } });
        var severe = await SubscribeAsync(client, new { filter = new { virtual_resource_id = new[] { vm1.Id }, min_severity = 4 }, endpoints = new[] { listener.Url("/severe").ToString() } });
        var otherProject = await SubscribeAsync(_api.Client("project", Unique("p")), new { endpoints = new[] { listener.Url("/other").ToString() } });
        var minor = Fault(project, vm1.Id, severity: 2);
        var critical = Fault(project, vm1.Id, severity: 5);
        var elsewhere = Fault(project, vm2.Id, severity: 5);

        await DeliverAsync(minor, critical, elsewhere, AlarmExamples.Notification("maintenance.scheduled", project));

        var toAll = await listener.WaitForAcceptedAsync("/all", 3);
        Assert.Equal([minor.MessageId, critical.MessageId, elsewhere.MessageId], toAll.Select(p => p.Json["notification_id"]!.GetValue<string>()));
        Assert.Equal(3, (await listener.WaitForAcceptedAsync("/all-2", 3)).Count);
        var toSevere = Assert.Single(await listener.WaitForAcceptedAsync("/severe", 1));
        Assert.Equal(critical.MessageId, toSevere.Json["notification_id"]!.GetValue<string>());
        var resource = Assert.Single(toSevere.Json["virtual_resource_info"]!.AsArray())!;
        Assert.Equal(vm1.Id, resource["id"]!.GetValue<string>());
        Assert.Equal(5, Assert.Single(resource["faults"]!.AsArray())!["severity"]!.GetValue<int>());
        Assert.Empty(listener.Attempts("/other"));

        var secret = all["secret"]!.GetValue<string>();
        Assert.All(toAll, p => Assert.True(WebhookSignature.Verify(secret, Encoding.UTF8.GetBytes(p.Body), p.Headers["X-Doctor-Signature"])));
        Assert.False(WebhookSignature.Verify(severe["secret"]!.GetValue<string>(), Encoding.UTF8.GetBytes(toAll[0].Body), toAll[0].Headers["X-Doctor-Signature"]));
        Assert.True(WebhookSignature.Verify(severe["secret"]!.GetValue<string>(), Encoding.UTF8.GetBytes(toSevere.Body), toSevere.Headers["X-Doctor-Signature"]));

        var deliveries = (await client.GetFromJsonAsync<JsonArray>($"/v1/subscriptions/{all["subscription_id"]}/deliveries"))!;
        Assert.Equal(6, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal("delivered", d!["status"]!.GetValue<string>()));
        Assert.Equal(
            toAll.Select(p => p.EventId).Order(),
            deliveries.Where(d => d!["endpoint"]!.GetValue<string>() == listener.Url("/all").ToString()).Select(d => d!["event_id"]!.GetValue<string>()).Order());
        Assert.Equal(HttpStatusCode.OK, (await _api.Client().GetAsync($"/v1/subscriptions/{otherProject["subscription_id"]}")).StatusCode);
    }

    [Fact]
    public async Task DeadLetter_IsListedForAdmins_AndRedriveSendsItAgainWithTheSameEventId()
    {
        await using var listener = await WebhookListener.StartAsync();
        var project = Unique("p");
        var vm = _api.Cloud.CreateInstance(project, "vm", 1);
        var client = _api.Client("project", project);
        var created = await SubscribeAsync(client, new { endpoints = new[] { listener.Url("/refuses").ToString() } });
        listener.FailNext("/refuses", 400);
        var fault = Fault(project, vm.Id);

        await DeliverAsync(fault);

        var refused = Assert.Single(listener.Attempts("/refuses"));
        var letters = (await _api.Client("admin").GetFromJsonAsync<JsonArray>("/v1/dead-letters?limit=10000"))!;
        var letter = Assert.Single(letters, l => l!["event_id"]!.GetValue<string>() == refused.EventId)!;
        Assert.Equal("dead", letter["status"]!.GetValue<string>());
        Assert.Contains("HTTP 400", letter["last_error"]!.GetValue<string>());
        Assert.Equal($"subscription:{created["subscription_id"]}", letter["subscriber"]!.GetValue<string>());
        await AssertProblemAsync(await client.GetAsync("/v1/dead-letters"), HttpStatusCode.Forbidden, "dead letters are for admins only");
        await AssertProblemAsync(await client.PostAsync($"/v1/dead-letters/{refused.EventId}/redrive", null), HttpStatusCode.Forbidden, "dead letters are for admins only");
        await AssertProblemAsync(await _api.Client().GetAsync("/v1/dead-letters?limit=0"), HttpStatusCode.BadRequest, "limit: expected an integer from 1 to 10000");

        var redrive = await _api.Client("admin").PostAsync($"/v1/dead-letters/{refused.EventId}/redrive", null);

        Assert.Equal(HttpStatusCode.Accepted, redrive.StatusCode);
        var accepted = Assert.Single(await listener.WaitForAcceptedAsync("/refuses", 1));
        Assert.Equal(refused.EventId, accepted.EventId);
        Assert.Equal(refused.Body, accepted.Body);
        await _api.Dispatcher.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var deliveries = (await client.GetFromJsonAsync<JsonArray>($"/v1/subscriptions/{created["subscription_id"]}/deliveries"))!;
        Assert.Equal("delivered", Assert.Single(deliveries)!["status"]!.GetValue<string>());
        await AssertProblemAsync(await _api.Client().PostAsync($"/v1/dead-letters/{refused.EventId}/redrive", null), HttpStatusCode.Conflict,
            $"delivery '{refused.EventId}' is not a dead letter (status delivered)");
        await AssertProblemAsync(await _api.Client().PostAsync("/v1/dead-letters/nope/redrive", null), HttpStatusCode.NotFound, "dead letter 'nope' not found");
    }

    [Fact]
    public async Task FastLane_ThenTheFeedReachesTheSameNotification_EachEndpointGetsItOnce()
    {
        await using var listener = await WebhookListener.StartAsync();
        var project = Unique("p");
        var vm = _api.Cloud.CreateInstance(project, "vm", 1);
        var created = await SubscribeAsync(_api.Client("project", project), new { endpoints = new[] { listener.Url("/fast").ToString() } });
        var faults = Enumerable.Range(0, 20).Select(_ => Fault(project, vm.Id)).ToArray();
        var recorded = faults.Select((f, i) => AlarmExamples.Recorded(f, i + 1)).ToArray();
        var shortcut = (INotificationShortcut)_api.Services.GetService(typeof(INotificationShortcut))!;

        // The fault path hands the events over right after its append; the feed sees them in parallel and again later.
        await Task.WhenAll(
            shortcut.DeliverNowAsync(recorded, CancellationToken.None).AsTask(),
            _api.Notifier.HandleAsync(recorded, CancellationToken.None));
        await _api.Dispatcher.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(60));
        await _api.Notifier.HandleAsync(recorded, CancellationToken.None);
        await _api.Dispatcher.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(60));

        var posts = listener.Attempts("/fast");
        Assert.Equal(20, posts.Count);
        Assert.Equal(20, posts.Select(p => p.EventId).Distinct().Count());
        var deliveries = (await _api.Client().GetFromJsonAsync<JsonArray>($"/v1/subscriptions/{created["subscription_id"]}/deliveries"))!;
        Assert.Equal(20, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal("delivered", d!["status"]!.GetValue<string>()));
    }
}
