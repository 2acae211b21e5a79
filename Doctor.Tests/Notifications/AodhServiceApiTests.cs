using System.Net;
using System.Text.Json.Nodes;
using Doctor.Tests.Infrastructure;

namespace Doctor.Tests.Notifications;

/// <summary>The rest of Aodh's API surface on the whole service: capabilities, versions, oslo's healthcheck, and 405 with Allow.</summary>
public sealed class AodhServiceApiTests(DoctorApiFactory api) : IClassFixture<DoctorApiFactory>
{
    [Theory]
    [InlineData("/v2/capabilities")]
    [InlineData("/v2/capabilities/")] // what python-aodhclient asks for
    public async Task Capabilities_SayWhatAodhSays_SimpleAndComplexQueriesOnAlarmsAndHistory(string path)
    {
        using var client = api.CreateClient();

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"api": {"alarms:query:simple": true, "alarms:query:complex": true, "alarms:history:query:simple": true, "alarms:history:query:complex": true},
             "alarm_storage": {"storage:production_ready": true}}
            """), JsonNode.Parse(await response.Content.ReadAsStringAsync())));
    }

    [Fact]
    public async Task Root_AnswersAodhsVersionsDocument_ToAnyone()
    {
        using var client = api.CreateAnonymousClient();

        var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"versions": {"values": [{"id": "v2",
              "links": [{"href": "http://localhost/v2", "rel": "self"}, {"href": "https://docs.openstack.org/", "rel": "describedby", "type": "text/html"}],
              "media-types": [{"base": "application/json", "type": "application/vnd.openstack.telemetry-v2+json"},
                              {"base": "application/xml", "type": "application/vnd.openstack.telemetry-v2+xml"}],
              "status": "stable", "updated": "2013-02-13T00:00:00Z"}]}}
            """), JsonNode.Parse(await response.Content.ReadAsStringAsync())));
    }

    [Fact]
    public async Task Healthcheck_AnswersOsloStyle_OkInPlainText_ToAnyone()
    {
        using var client = api.CreateAnonymousClient();

        var response = await client.GetAsync("/healthcheck");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("OK", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("POST", "/v2/alarms/3f1d2c4b-0000-4000-8000-000000000000", "DELETE,GET,PUT")]
    [InlineData("PATCH", "/v2/alarms", "GET,POST")]
    [InlineData("POST", "/v2/alarms/3f1d2c4b-0000-4000-8000-000000000000/state", "GET,PUT")]
    [InlineData("DELETE", "/v2/alarms/3f1d2c4b-0000-4000-8000-000000000000/history", "GET")]
    [InlineData("GET", "/v2/query/alarms", "POST")]
    [InlineData("PUT", "/v2/query/alarms/history", "POST")]
    [InlineData("DELETE", "/v2/capabilities", "GET")]
    public async Task AnUnsupportedMethod_Answers405_WithAllowNamingTheMethodsThatAre(string method, string path, string allowed)
    {
        using var client = api.CreateClient();

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}") });

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(allowed.Split(','), response.Content.Headers.Allow.Concat(response.Headers.TryGetValues("Allow", out var raw) ? raw : [])
            .SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries)).Distinct().Order(StringComparer.Ordinal));
        await Auth.ProblemAssert.IsProblemAsync(response, HttpStatusCode.MethodNotAllowed, $"{method} {path}: method not allowed");
    }

    [Fact]
    public async Task GivenTheOpenApiDocument_ThenTheAodhAndFenixCallsAreDeclared_WithTheListsQueryParameters()
    {
        using var client = api.CreateClient();

        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;

        var paths = document["paths"]!.AsObject();
        foreach (var (path, method) in new[]
        {
            ("/v2/alarms/{id}", "put"), ("/v2/alarms/{id}/state", "get"), ("/v2/alarms/{id}/state", "put"), ("/v2/query/alarms", "post"),
            ("/v2/query/alarms/history", "post"), ("/v2/capabilities", "get"), ("/", "get"),
            ("/v1/maintenance/{sessionId}", "put"), ("/v1/maintenance/{sessionId}/detail", "get"),
        })
        {
            Assert.True(paths[path]?[method] is not null, $"{method.ToUpperInvariant()} {path} is not in the OpenAPI document");
        }
        foreach (var list in new[] { "/v2/alarms", "/v2/alarms/{id}/history" })
        {
            var names = paths[list]!["get"]!["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).ToHashSet();
            Assert.Superset(new HashSet<string> { "q.field", "q.op", "q.value", "q.type", "sort", "limit", "marker" }, names);
        }
    }
}
