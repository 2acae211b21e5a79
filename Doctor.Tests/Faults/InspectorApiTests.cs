using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Doctor.Tests.Infrastructure;

namespace Doctor.Tests.Faults;

/// <summary>Bad southbound and northbound input answers problem+json naming the field, and writes nothing.</summary>
public class InspectorApiTests(DoctorApiFactory api) : IClassFixture<DoctorApiFactory>
{
    [Theory]
    [InlineData("PUT", "/v1/inspector/events", """[{"type": "compute.host.down", "details": {"hostname": "h"}}]""", "events[0].time: required")]
    [InlineData("PUT", "/v1/inspector/events", """[{"time": "2016-04-12T08:00:00", "details": {}}]""", "events[0].type: required")]
    [InlineData("PUT", "/v1/inspector/events", """[{"time": "2016-04-12T08:00:00", "type": "compute.host.down"}, {"time": "yesterday", "type": "x"}]""", "events[1].time: not a time ('yesterday')")]
    [InlineData("PUT", "/v1/inspector/events", """[{"time": 5, "type": "x"}]""", "events[0].time: must be a time string")]
    [InlineData("PUT", "/v1/inspector/events", """[{"time": "2016-04-12T08:00:00", "type": "x", "details": "h"}]""", "events[0].details: must be an object")]
    [InlineData("PUT", "/v1/inspector/events", """[]""", "events: at least one event is required")]
    [InlineData("PUT", "/v1/inspector/events", """[7]""", "events[0]: must be an event object")]
    [InlineData("POST", "/v1/inspector/events", """{"event": {"time": "2016-04-12T08:00:00"}}""", "event.type: required")]
    [InlineData("POST", "/v1/inspector/events", """{"event": "down"}""", "event: must be an object")]
    [InlineData("POST", "/v1/inspector/events", """{"events": {"time": "x"}}""", "events: must be a list of events")]
    [InlineData("POST", "/v1/inspector/events", """{"hello": "world"}""", "body: not an event")]
    [InlineData("POST", "/v1/inspector/events", """ "text" """, "body: not an event")]
    [InlineData("POST", "/v1/inspector/events", """{"event": """, "body: malformed JSON")]
    [InlineData("POST", "/v1/inspector/alertmanager", """{"version": "4"}""", "alerts: required")]
    [InlineData("POST", "/v1/inspector/alertmanager", """{"version": "3", "alerts": []}""", "version: '3' is not supported")]
    [InlineData("POST", "/v1/inspector/alertmanager", """{"version": "4", "alerts": [{"labels": {"instance": "h:9100"}}]}""", "alerts[0].labels.alertname: required")]
    [InlineData("POST", "/v1/inspector/alertmanager", """{"version": "4", "alerts": [{"status": "firing"}]}""", "alerts[0].labels: required")]
    [InlineData("PUT", "/v1/os-services/force-down", """{"binary": "nova-scheduler", "host": "h", "forced_down": true}""", "binary: 'nova-scheduler' is not supported")]
    [InlineData("PUT", "/v1/os-services/force-down", """{"binary": "nova-compute", "forced_down": true}""", "host: required")]
    [InlineData("PUT", "/v1/os-services/force-down", """{"binary": "nova-compute", "host": "h", "forced_down": "yes"}""", "forced_down: must be true or false")]
    [InlineData("PUT", "/v1/resources/physical/h/state", """{"state": "broken"}""", "state: 'broken' is not one of")]
    [InlineData("PUT", "/v1/resources/physical/h/state", """{"metadata": {}}""", "state: required")]
    [InlineData("PUT", "/v1/resources/physical/h/state", """{"state": "down", "metadata": 3}""", "metadata: must be an object")]
    public async Task BadBody_Answers400NamingTheField_AndWritesNothing(string method, string path, string body, string title)
    {
        var client = api.CreateClient();
        var before = await IncidentEventCountAsync();

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.StartsWith(title, problem["title"]!.GetValue<string>());
        Assert.Equal(before, await IncidentEventCountAsync());
    }

    [Theory]
    [InlineData("/v1/faults?virtual_resource_type=rack", "virtual_resource_type: unknown type 'rack'")]
    [InlineData("/v1/faults?min_severity=awful", "min_severity: 'awful' is not a severity")]
    [InlineData("/v1/faults?event_start_time=never", "event_start_time: not a time ('never')")]
    [InlineData("/v1/faults?event_end_time=later", "event_end_time: not a time ('later')")]
    [InlineData("/v1/faults?event_start_time=2026-11-28T10:00:00Z&event_end_time=2026-11-28T09:00:00Z", "event_start_time: after event_end_time")]
    [InlineData("/v1/resources/physical?state=sleepy", "state: 'sleepy' is not one of")]
    public async Task BadQuery_Answers400NamingTheParameter(string path, string title)
    {
        using var response = await api.CreateClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith(title, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["title"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/v1/incidents/nope/profile")]
    [InlineData("/v1/incidents/nope")]
    public async Task UnknownIncident_Answers404(string path)
    {
        using var response = await api.CreateClient().GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task UnknownHost_StateChangeAndForceDown_Answer404_AndWriteNothing()
    {
        var client = api.CreateClient();
        var before = await IncidentEventCountAsync();

        using var state = await client.PutAsync("/v1/resources/physical/nowhere/state", new StringContent("""{"state": "down"}""", Encoding.UTF8, "application/json"));
        using var force = await client.PutAsync("/v1/os-services/force-down",
            new StringContent("""{"binary": "nova-compute", "host": "nowhere", "forced_down": true}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.NotFound, state.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, force.StatusCode);
        Assert.Equal(before, await IncidentEventCountAsync());
    }

    [Fact]
    public async Task SingleEventForms_AndAlertmanager_AreAccepted()
    {
        var client = api.CreateClient();
        const string e = """{"time": "2016-04-12T08:00:00", "type": "compute.host.down", "details": {"hostname": "ghost-1"}}""";

        foreach (var body in new[] { e, $$"""{"event": {{e}}}""", $$"""{"events": [{{e}}, {"event": {{e}}}]}""" })
        {
            using var response = await client.PostAsync("/v1/inspector/events", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        using var alerts = await client.PostAsync("/v1/inspector/alertmanager", new StringContent("""
            {"version": "4", "status": "firing", "alerts": [{"status": "firing", "labels": {"alertname": "compute.host.down", "instance": "ghost-2:9100", "severity": "critical"},
             "annotations": {"summary": "node down"}, "startsAt": "2026-11-28T10:00:00Z"}]}
            """, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, alerts.StatusCode);
        var answer = JsonNode.Parse(await alerts.Content.ReadAsStringAsync())!;
        Assert.Equal("ghost-2", answer["incidents"]![0]!["host"]!.GetValue<string>());
        Assert.Equal("unmatched", answer["incidents"]![0]!["verdict"]!.GetValue<string>());
    }

    private async Task<long> IncidentEventCountAsync()
    {
        await using var cmd = api.Database.DataSource.CreateCommand("SELECT count(*) FROM doctor.events WHERE stream_id LIKE 'incident-%' OR stream_id LIKE 'faults-%'");
        try
        {
            return (long)(await cmd.ExecuteScalarAsync())!;
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == "42P01")
        {
            return 0; // schema not created yet
        }
    }
}
