using System.Text.Json.Nodes;
using Doctor.Tests.Infrastructure;
using Doctor.Tests.Maintenance;

namespace Doctor.Tests.Notifications;

/// <summary>
/// The real python-aodhclient against the real service on Kestrel: every call an operator, Heat or a VNFM makes —
/// create, list, show (by id and by name), update, state get and set, list with a query, history show and search,
/// capabilities, delete — as the admin and as a project. No stub: the client is the test.
/// </summary>
public sealed class AodhCliTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private DoctorServer _server = null!;

    public async Task InitializeAsync()
    {
        AodhCli.EnsureInstalled();
        _db = await TestDatabase.CreateAsync();
        _server = await DoctorServer.StartAsync(_db);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
        if (_db is not null)
            await _db.DisposeAsync();
    }

    [Fact]
    public async Task AsTheAdmin_ActingForAProject_EveryAodhCallSucceeds()
    {
        var aodh = new AodhCli(_server.BaseUrl, TestTokens.Admin);

        var created = await DriveEveryCallAsync(aodh, "cli_admin", ["--project-id", "p-cli-behalf"]);

        Assert.Equal("p-cli-behalf", created["project_id"]!.GetValue<string>()); // made for the project, as Aodh's admin may
    }

    [Fact]
    public async Task AsAProject_EveryAodhCallSucceeds_OnItsOwnAlarmsOnly()
    {
        var (_, token) = await TestTokens.CreateProjectTokenAsync(_server.Client, "p-cli", "cli");
        var other = await new AodhCli(_server.BaseUrl, TestTokens.Admin).JsonAsync(
            "alarm", "create", "--name", "cli_other", "--type", "event", "--event-type", "maintenance.scheduled",
            "--alarm-action", "http://127.0.0.1:9/other", "--project-id", "p-cli-other");
        var aodh = new AodhCli(_server.BaseUrl, token);

        await DriveEveryCallAsync(aodh, "cli_project", []);

        var (exitCode, _, _) = await aodh.RunAsync("alarm", "show", other["alarm_id"]!.GetValue<string>(), "-f", "json");
        Assert.NotEqual(0, exitCode); // another project's alarm is not there for it
        Assert.DoesNotContain((await aodh.JsonAsync("alarm", "list")).AsArray(), a => a!["name"]!.GetValue<string>() == "cli_other");
    }

    /// <summary>Every call, in the order an operator would make them; returns the alarm as created (the last call deletes it).</summary>
    private async Task<JsonNode> DriveEveryCallAsync(AodhCli aodh, string name, string[] createExtra)
    {
        var created = await aodh.JsonAsync([
            "alarm", "create", "--name", name, "--type", "event", "--event-type", "maintenance.scheduled",
            "--query", "traits.state=string::MAINTENANCE", "--alarm-action", $"{_server.BaseUrl}/nowhere", .. createExtra]);
        var id = created["alarm_id"]!.GetValue<string>();
        Assert.Equal((name, "event", "maintenance.scheduled", "insufficient data", "low"),
            (created["name"]!.GetValue<string>(), created["type"]!.GetValue<string>(), created["event_type"]!.GetValue<string>(),
             created["state"]!.GetValue<string>(), created["severity"]!.GetValue<string>()));
        Assert.Equal("traits.state = MAINTENANCE", created["query"]!.GetValue<string>());
        Assert.Equal("Alarm when maintenance.scheduled event occurred.", created["description"]!.GetValue<string>());

        var listed = (await aodh.JsonAsync("alarm", "list")).AsArray();
        Assert.Contains(listed, a => a!["alarm_id"]!.GetValue<string>() == id && a["name"]!.GetValue<string>() == name);

        Assert.Equal(id, (await aodh.JsonAsync("alarm", "show", id))["alarm_id"]!.GetValue<string>());
        Assert.Equal(id, (await aodh.JsonAsync("alarm", "show", "--name", name))["alarm_id"]!.GetValue<string>());

        var updated = await aodh.JsonAsync("alarm", "update", id, "--severity", "critical");
        Assert.Equal(("critical", name, "traits.state = MAINTENANCE"),
            (updated["severity"]!.GetValue<string>(), updated["name"]!.GetValue<string>(), updated["query"]!.GetValue<string>()));

        Assert.Equal("insufficient data", (await aodh.JsonAsync("alarm", "state", "get", id))["state"]!.GetValue<string>());
        Assert.Equal("alarm", (await aodh.JsonAsync("alarm", "state", "set", id, "--state", "alarm"))["state"]!.GetValue<string>());
        Assert.Equal("Manually set via API", (await aodh.JsonAsync("alarm", "show", id))["state_reason"]!.GetValue<string>());

        var critical = (await aodh.JsonAsync("alarm", "list", "--query", "severity=critical")).AsArray();
        Assert.Contains(critical, a => a!["alarm_id"]!.GetValue<string>() == id);
        Assert.All(critical, a => Assert.Equal("critical", a!["severity"]!.GetValue<string>()));

        var history = (await aodh.JsonAsync("alarm-history", "show", id)).AsArray();
        Assert.Equal(["state transition", "rule change", "creation"], history.Select(h => h!["type"]!.GetValue<string>()));
        Assert.Equal("""{"severity": "critical"}""", history[1]!["detail"]!.GetValue<string>());

        var search = (await aodh.JsonAsync("alarm-history", "search", "--query", $"alarm_id={id} and type='rule change'")).AsArray();
        Assert.Equal(id, Assert.Single(search)!["alarm_id"]!.GetValue<string>());
        Assert.Equal(3, (await aodh.JsonAsync("alarm-history", "search", "--query", $"alarm_id={id}")).AsArray().Count);

        var capabilities = await aodh.JsonAsync("capabilities", "list");
        Assert.True(capabilities["api"]!["alarms:query:complex"]!.GetValue<bool>());
        Assert.True(capabilities["api"]!["alarms:history:query:simple"]!.GetValue<bool>());

        await aodh.SucceedsAsync("alarm", "delete", id);
        var (exitCode, _, _) = await aodh.RunAsync("alarm", "show", id, "-f", "json");
        Assert.NotEqual(0, exitCode);
        return created;
    }
}
