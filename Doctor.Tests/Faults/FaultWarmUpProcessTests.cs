using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Doctor.Tests.Infrastructure;
using Doctor.Tests.Notifications;
using Doctor.Tests.ScaleOut;
using Doctor.Workflows.Infrastructure.Simulated;
using Npgsql;

namespace Doctor.Tests.Faults;

/// <summary>
/// The start-up warm-up (<c>Doctor:Faults:WarmUp</c>) of the real service process: it runs the whole fault path on dry
/// incidents before <c>/health</c> answers, and leaves nothing anyone could see — not even a subscriber that hears every
/// instance update of every project, whose alarms and subscription existed before the process started.
/// </summary>
[Collection(ServiceProcessCollection.Name)]
public sealed class FaultWarmUpProcessTests
{
    private const string WarmUpLine = "Fault path warm-up:";

    [Fact]
    public async Task GivenAlarmsAndASubscriptionHearingEveryInstanceUpdate_WhenTheServiceStartsWithTheWarmUp_ThenItLeavesWhatAStartWithoutItLeaves()
    {
        await using var listener = await WebhookListener.StartAsync();

        var off = await StartOnceAsync(warmUp: false, listener);
        var on = await StartOnceAsync(warmUp: true, listener);

        Assert.Contains(WarmUpLine, on.Log);
        Assert.DoesNotContain(WarmUpLine, off.Log);
        Assert.Empty(listener.AllAttempts);
        Assert.Equal(off.Rows, on.Rows);
        Assert.Equal(0, on.Rows["webhook_deliveries"]);
        Assert.Equal(off.Alarms, on.Alarms);
        Assert.All(on.Alarms, a => Assert.StartsWith("insufficient data|1|", a));
        Assert.Equal("[]", on.Incidents);
        Assert.Equal(off.Counters, on.Counters);
        Assert.Contains(on.Counters, c => c.StartsWith("doctor_fault_", StringComparison.Ordinal));
        Assert.All(on.Counters.Where(c => c.StartsWith("doctor_fault_events_received", StringComparison.Ordinal)), c => Assert.EndsWith(" 0", c));
    }

    [Fact]
    public async Task GivenTheWarmUpRan_WhenAHostFails_ThenEachConsumerIsNotifiedOnce_AndTheIncidentIsRecorded()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var listener = await WebhookListener.StartAsync();
        await using var service = await ServiceProcess.StartAsync("warm", Settings(db, warmUp: null));
        Assert.Contains(WarmUpLine, service.ReadLog());
        var instances = (await service.Client.GetFromJsonAsync<JsonArray>("/v1/infra/instances"))!
            .Where(i => i!["host"]!.GetValue<string>() == "compute-0").Select(i => i!["id"]!.GetValue<string>()).ToList();
        Assert.NotEmpty(instances);
        var alarms = new List<string>();
        foreach (var instance in instances)
            alarms.Add(await CreateConsumerAlarmAsync(service.Client, instance, listener.Url("/failure")));

        var answer = await service.Client.PutEventsAsync(FaultApi.HostDown("compute-0"));

        Assert.Equal("fence", answer["incidents"]![0]!["verdict"]!.GetValue<string>());
        var posts = await listener.WaitForAcceptedAsync("/failure", instances.Count);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(instances.Count, listener.Accepted("/failure").Count);
        Assert.Equal(instances.ToHashSet(), posts.Select(p => p.Json["reason_data"]!["event"]!["traits"]!.AsArray()
            .First(t => t![0]!.GetValue<string>() == "instance_id")![2]!.GetValue<string>()).ToHashSet());
        var incidents = (await service.Client.GetFromJsonAsync<JsonNode>("/v1/incidents"))!.AsArray();
        Assert.Single(incidents);
        Assert.Equal("compute-0", incidents[0]!["host"]!.GetValue<string>());
        foreach (var alarm in alarms)
            Assert.Equal("alarm", (await service.Client.GetFromJsonAsync<JsonNode>($"/v2/alarms/{alarm}"))!["state"]!.GetValue<string>());
        await FaultApi.EventuallyAsync(async () => await CountAsync(db, "webhook_deliveries WHERE status = 'delivered'") == instances.Count,
            "every delivery row settled as delivered");
    }

    [Fact]
    public async Task GivenAnUnreadableWarmUpSetting_ThenTheServiceDoesNotStart_NamingTheSetting()
    {
        await using var db = await TestDatabase.CreateAsync();

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ServiceProcess.StartAsync("maybe", Settings(db, warmUp: "maybe")));

        Assert.Contains("exited during start", refused.Message);
        Assert.Contains("Doctor did not start, invalid configuration", refused.Message);
        Assert.Contains("Doctor:Faults:WarmUp", refused.Message);
    }

    /// <summary>
    /// A database that already holds what hears everything (set up by a process without the warm-up, then killed), and a
    /// start of the service on it with the warm-up on or off; what the start left, read once it answers.
    /// </summary>
    private static async Task<Outcome> StartOnceAsync(bool warmUp, WebhookListener listener)
    {
        await using var db = await TestDatabase.CreateAsync();
        await using (var setup = await ServiceProcess.StartAsync("set-up", Settings(db, warmUp: "false")))
        {
            // Admin alarms hear every project's notifications: one on every instance update, one on every event type.
            foreach (var (eventType, path) in new[] { ("compute.instance.update", "/any-instance"), ("*", "/everything") })
            {
                using var created = await setup.Client.PostAsJsonAsync("/v2/alarms", new JsonObject
                {
                    ["name"] = $"hears-{path.Trim('/')}",
                    ["type"] = "event",
                    ["repeat_actions"] = true,
                    ["alarm_actions"] = new JsonArray(listener.Url(path).ToString()),
                    ["event_rule"] = new JsonObject { ["event_type"] = eventType },
                });
                Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
            }
            using var subscribed = await setup.Client.PostAsJsonAsync("/v1/subscriptions", new { filter = new { }, endpoints = new[] { listener.Url("/subscription").ToString() } });
            Assert.True(subscribed.IsSuccessStatusCode, await subscribed.Content.ReadAsStringAsync());
            setup.Kill();
        }

        await using var service = await ServiceProcess.StartAsync(warmUp ? "warm-up-on" : "warm-up-off", Settings(db, warmUp: warmUp ? "true" : "false"));
        var incidents = (await service.Client.GetFromJsonAsync<JsonNode>("/v1/incidents"))!.ToJsonString();
        var metrics = await service.Client.GetStringAsync("/metrics");
        var rows = new Dictionary<string, long>();
        foreach (var table in new[] { "events", "streams", "commands", "webhook_deliveries", "alarm_history", "alarms", "subscriptions" })
            rows[table] = await CountAsync(db, table);
        var alarms = new List<string>();
        await using (var read = db.DataSource.CreateCommand("""
            SELECT a.state, (SELECT count(*) FROM doctor.alarm_history h WHERE h.alarm_id = a.id), a.body->>'name'
            FROM doctor.alarms a ORDER BY a.body->>'name'
            """))
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
                alarms.Add($"{reader.GetString(0)}|{reader.GetInt64(1)}|{reader.GetString(2)}");
        }
        return new Outcome(rows, alarms, incidents, Counters(metrics), service.ReadLog());
    }

    /// <summary>Every counter sample of the features, the notifier and HTTP (gauges, durations and uptime vary between any two starts).</summary>
    private static List<string> Counters(string metrics) =>
    [
        .. metrics.Split('\n')
            .Where(l => l.StartsWith("doctor_", StringComparison.Ordinal) && !l.StartsWith("doctor_process_", StringComparison.Ordinal))
            .Where(l => l.Split(' ')[0] is var name && (name.Contains("_total", StringComparison.Ordinal) || name.StartsWith("doctor_fault_", StringComparison.Ordinal)))
            .Where(l => !l.Contains("_seconds", StringComparison.Ordinal) && !l.Contains("in_memory", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal),
    ];

    private static async Task<string> CreateConsumerAlarmAsync(HttpClient client, string instance, Uri action)
    {
        // As OPNFV Doctor's consumer makes it: no repeat actions, so it fires once.
        using var response = await client.PostAsJsonAsync("/v2/alarms", new JsonObject
        {
            ["name"] = $"doctor-{instance}",
            ["type"] = "event",
            ["project_id"] = SimulatedTopologies.DoctorTestProject,
            ["repeat_actions"] = false,
            ["alarm_actions"] = new JsonArray(action.ToString()),
            ["event_rule"] = new JsonObject
            {
                ["event_type"] = "compute.instance.update",
                ["query"] = new JsonArray(
                    new JsonObject { ["field"] = "traits.instance_id", ["op"] = "eq", ["value"] = instance, ["type"] = "string" },
                    new JsonObject { ["field"] = "traits.state", ["op"] = "eq", ["value"] = "error", ["type"] = "string" }),
            },
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!["alarm_id"]!.GetValue<string>();
    }

    private static Dictionary<string, string?> Settings(TestDatabase db, string? warmUp)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Doctor:Postgres"] = db.ConnectionString,
            ["Doctor:Simulated:Topology"] = SimulatedTopologies.DoctorTestName,
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Quartz"] = "Warning",
        };
        if (warmUp is not null)
            settings["Doctor:Faults:WarmUp"] = warmUp;
        return settings;
    }

    private static async Task<long> CountAsync(TestDatabase db, string tableAndCondition)
    {
        await using var command = db.DataSource.CreateCommand($"SELECT count(*) FROM doctor.{tableAndCondition}");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private sealed record Outcome(Dictionary<string, long> Rows, List<string> Alarms, string Incidents, List<string> Counters, string Log);
}
