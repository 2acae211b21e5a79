using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Doctor.Tests.Infrastructure;
using Doctor.Tests.Maintenance;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Maintenance;
using Microsoft.Extensions.DependencyInjection;

namespace Doctor.Tests.Auth;

/// <summary>A project token reaches its own project's part of a session and nothing else; every command's actor is the token.</summary>
public sealed class ProjectIsolationTests(SecuredApiFactory api) : IClassFixture<SecuredApiFactory>
{
    private const string Sid = "6a4a0f8e-0000-0000-0000-000000000000";

    [Theory]
    [InlineData("GET", "/v1/maintenance")]
    [InlineData("POST", "/v1/maintenance")]
    [InlineData("POST", $"/v1/maintenance/{Sid}")]
    [InlineData("DELETE", $"/v1/maintenance/{Sid}")]
    [InlineData("GET", $"/v1/maintenance/{Sid}/history")]
    [InlineData("GET", "/v1/infra/hosts")]
    [InlineData("GET", "/v1/infra/instances")]
    [InlineData("POST", "/v1/infra/instances")]
    [InlineData("POST", "/v1/infra/seed")]
    [InlineData("POST", "/v1/auth/tokens")]
    [InlineData("GET", "/v1/auth/tokens")]
    [InlineData("DELETE", "/v1/auth/tokens/6a4a0f8e-0000-0000-0000-000000000000")]
    public async Task GivenProjectToken_WhenAdminRouteCalled_ThenProblem403AndNothingWritten(string method, string path)
    {
        using var project = await api.CreateProjectClientAsync(WaitingSession.Project);
        var before = await EventCountAsync();

        var response = await project.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = JsonContent.Create(new { state = "MAINTENANCE", maintenance_at = "2030-01-01 00:00:00", hosts = new[] { new { name = "x", vcpus = 1 } }, role = "project", project_id = "p", name = "n" }),
        });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "admin only");
        Assert.Equal(before, await EventCountAsync());
    }

    [Fact]
    public async Task GivenProjectToken_WhenItAddressesAnotherProject_ThenProblem403WithoutTheirDataAndNoReplyRecorded()
    {
        using var admin = api.CreateClient();
        var sid = await WaitingSession.OpenAsync(admin);
        using var stranger = await api.CreateProjectClientAsync("stranger");

        var instances = await stranger.GetAsync($"/v1/maintenance/{sid}/{WaitingSession.Project}");
        var reply = await stranger.PutAsJsonAsync($"/v1/maintenance/{sid}/{WaitingSession.Project}", new { state = "ACK_MAINTENANCE" });
        var instanceReply = await stranger.PutAsJsonAsync($"/v1/maintenance/{sid}/{WaitingSession.Project}/ha-0", new { state = "ACK_MAINTENANCE" });
        var session = await stranger.GetAsync($"/v1/maintenance/{sid}");

        foreach (var response in new[] { instances, reply, instanceReply })
        {
            var title = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "may not act for project doctor-test");
            Assert.DoesNotContain("ha-0", title);
        }
        await ProblemAssert.IsProblemAsync(session, HttpStatusCode.NotFound, "session_id");
        Assert.DoesNotContain(await admin.HistoryAsync(sid), e => e!["type"]!.GetValue<string>() == "maintenance.reply_received.v1");
    }

    [Fact]
    public async Task GivenProjectInSession_WhenItReadsTheSession_ThenItSeesOnlyItsView()
    {
        using var admin = api.CreateClient();
        var sid = await WaitingSession.OpenAsync(admin);
        using var project = await api.CreateProjectClientAsync(WaitingSession.Project);

        var view = (await project.GetFromJsonAsync<JsonObject>($"/v1/maintenance/{sid}"))!;
        var instances = (await project.GetFromJsonAsync<JsonObject>($"/v1/maintenance/{sid}/{WaitingSession.Project}"))!;

        Assert.Equal("MAINTENANCE", view["state"]!.GetValue<string>());
        Assert.Equal(WaitingSession.Project, view["project_id"]!.GetValue<string>());
        Assert.False(view.ContainsKey("hosts"));
        Assert.False(view.ContainsKey("reason"));
        Assert.NotEmpty(instances["instance_ids"]!.AsArray());
        Assert.True((await admin.GetFromJsonAsync<JsonObject>($"/v1/maintenance/{sid}"))!.ContainsKey("hosts"));
    }

    [Fact]
    public async Task GivenCommands_WhenAppended_ThenEachEventsActorIsTheTokensIdentity()
    {
        using var admin = api.CreateClient();
        var sid = await WaitingSession.OpenAsync(admin);
        using var project = await api.CreateProjectClientAsync(WaitingSession.Project, "vnfm-east");

        (await project.PutAsJsonAsync($"/v1/maintenance/{sid}/{WaitingSession.Project}", new { state = "ACK_MAINTENANCE" })).EnsureSuccessStatusCode();

        var events = await api.Services.GetRequiredService<IEventStore>().ReadStreamAsync(MaintenanceEventTypes.StreamId(sid));
        Assert.Equal("admin", events.Single(e => e.Type == "maintenance.session_created.v1").Metadata.Actor);
        Assert.Equal("project:doctor-test/vnfm-east", events.Single(e => e.Type == "maintenance.reply_received.v1").Metadata.Actor);
    }

    [Fact]
    public async Task GivenProjectToken_WhenAlarmNamesAnotherProject_ThenTheAlarmIsPinnedToTheCallersProject()
    {
        using var project = await api.CreateProjectClientAsync("p-alarm");

        var response = await project.PostAsJsonAsync("/v2/alarms", new
        {
            name = "sneaky", type = "event", project_id = "victim",
            event_rule = new { event_type = "maintenance.scheduled", query = Array.Empty<object>() },
            alarm_actions = new[] { "http://127.0.0.1:9/x" },
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("p-alarm", (await response.Content.ReadFromJsonAsync<JsonObject>())!["project_id"]!.GetValue<string>());
        using var victim = await api.CreateProjectClientAsync("victim");
        Assert.Empty((await victim.GetFromJsonAsync<JsonArray>("/v2/alarms"))!);
    }

    private async Task<long> EventCountAsync()
    {
        await using var command = api.Database.DataSource.CreateCommand("SELECT count(*) FROM doctor.events");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
