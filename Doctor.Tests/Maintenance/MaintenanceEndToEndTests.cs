using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Doctor.Tests.Infrastructure;
using Doctor.Workflows.Infrastructure;
using Doctor.Workflows.Infrastructure.Simulated;
using Microsoft.Extensions.DependencyInjection;

namespace Doctor.Tests.Maintenance;

/// <summary>
/// The Doctor maintenance test, end to end over real HTTP on a real PostgreSQL: a VNFM like Doctor's sample app
/// manager drives a session on the Doctor test topology (3 hosts × 2 vCPUs, all used; an HA pair with a floating IP).
/// </summary>
[Collection("maintenance-e2e")]
public sealed class MaintenanceEndToEndTests : IAsyncLifetime
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(90);
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task GivenDoctorTopology_WhenVnfmAnswersLikeTheSampleAppManager_ThenSessionIsDoneWithEveryHostMaintained()
    {
        await using var server = await DoctorServer.StartAsync(_db);
        await using var vnfm = await SampleAppManager.StartAsync(server, SimulatedTopologies.DoctorTestProject);
        await vnfm.SubscribeAsync();
        var watch = HaPairWatch.Start(server.Cloud);

        var sid = await server.Client.OpenSessionAsync(TimeSpan.FromSeconds(3));
        var session = await server.Client.WaitForStateAsync(sid, Within, "MAINTENANCE_DONE", "MAINTENANCE_FAILED");

        Assert.Empty(vnfm.Errors);
        Assert.Equal("MAINTENANCE_DONE", session["state"]!.GetValue<string>());
        Assert.Equal(["compute-0", "compute-1", "compute-2"], session["maintained_hosts"]!.AsArray().Select(h => h!.GetValue<string>()).Order());
        Assert.Equal(100, session["percent_done"]!.GetValue<int>());
        Assert.Equal(6, (await server.Cloud.ListInstancesAsync()).Count);
        Assert.All(await server.Cloud.ListHostsAsync(), h => Assert.True(h.ComputeEnabled, $"{h.Name} left disabled"));
        Assert.Empty(watch.Violations);
        Assert.Contains("SCALE_IN", vnfm.StatesSeen);
        Assert.Contains("PREPARE_MAINTENANCE", vnfm.StatesSeen);
        Assert.Contains("PLANNED_MAINTENANCE", vnfm.StatesSeen);
        Assert.Contains("MAINTENANCE_COMPLETE", vnfm.StatesSeen);
        Assert.NotEmpty(vnfm.InstancesDone);

        // Invariant: every host exactly one IN_MAINTENANCE and one MAINTENANCE_COMPLETE; the history shows the whole timeline.
        var history = await server.Client.HistoryAsync(sid);
        var types = history.Select(e => e!["type"]!.GetValue<string>()).ToList();
        foreach (var host in new[] { "compute-0", "compute-1", "compute-2" })
        {
            Assert.Single(history, e => e!["type"]!.GetValue<string>() == "maintenance.host_entered_maintenance.v1" && e["data"]!["host"]!.GetValue<string>() == host);
            Assert.Single(history, e => e!["type"]!.GetValue<string>() == "maintenance.host_left_maintenance.v1" && e["data"]!["host"]!.GetValue<string>() == host);
        }
        Assert.Equal("maintenance.session_created.v1", types[0]);
        Assert.Contains("maintenance.session_done.v1", types);
        var disabled = history.Where(e => e!["type"]!.GetValue<string>() == "maintenance.compute_disabled.v1").Select(e => e!["data"]!["host"]!.GetValue<string>()).Order().ToList();
        var enabled = history.Where(e => e!["type"]!.GetValue<string>() == "maintenance.compute_enabled.v1").Select(e => e!["data"]!["host"]!.GetValue<string>()).Order().ToList();
        Assert.Equal(disabled, enabled);

        // Invariant: an instance moves only after its project answered that action for it, in that round.
        foreach (var requested in history.Where(e => e!["type"]!.GetValue<string>() == "maintenance.instance_action_requested.v1"))
        {
            var data = requested!["data"]!;
            var answered = history.TakeWhile(e => e != requested).Any(e =>
                e!["type"]!.GetValue<string>() == "maintenance.reply_received.v1"
                && e["data"]!["round"]!.GetValue<int>() == data["round"]!.GetValue<int>()
                && e["data"]!["project_id"]!.GetValue<string>() == data["project_id"]!.GetValue<string>()
                && e["data"]!["instance_actions"]![data["instance_id"]!.GetValue<string>()]?.GetValue<string>() == data["action"]!.GetValue<string>());
            Assert.True(answered, $"{data["instance_id"]} moved by {data["action"]} without its project answering so");
        }

        // A late or duplicate deadline changes nothing: fire every round's timers again, twice.
        var engine = server.Services.GetRequiredService<Doctor.Workflows.Maintenance.Engine.MaintenanceEngine>();
        var rounds = history.Where(e => e!["type"]!.GetValue<string>() == "maintenance.state_entered.v1").Select(e => e!["data"]!["round"]!.GetValue<int>()).ToList();
        foreach (var round in rounds.Concat(rounds))
        {
            await engine.DeadlineReachedAsync(sid, "reply", round, CancellationToken.None);
            await engine.DeadlineReachedAsync(sid, "hold", round, CancellationToken.None);
        }
        await engine.AdvanceNowAsync(sid);
        Assert.Equal(history.Count, (await server.Client.HistoryAsync(sid)).Count);
        Assert.Equal("MAINTENANCE_DONE", (await server.Client.SessionAsync(sid))["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task GivenVnfmNacksMaintenance_WhenSessionRuns_ThenItFailsNamingTheNack()
    {
        await using var server = await DoctorServer.StartAsync(_db);
        await using var vnfm = await SampleAppManager.StartAsync(server, SimulatedTopologies.DoctorTestProject);
        vnfm.Answers["MAINTENANCE"] = "NACK";
        await vnfm.SubscribeAsync();

        var sid = await server.Client.OpenSessionAsync(TimeSpan.FromSeconds(3));
        var session = await server.Client.WaitForStateAsync(sid, Within, "MAINTENANCE_FAILED", "MAINTENANCE_DONE");

        Assert.Equal("MAINTENANCE_FAILED", session["state"]!.GetValue<string>());
        Assert.Contains("NACK_MAINTENANCE", session["reason"]!.GetValue<string>());
        Assert.Contains(SimulatedTopologies.DoctorTestProject, session["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task GivenVnfmNeverReplies_WhenTheDeadlinePasses_ThenSessionFails()
    {
        await using var server = await DoctorServer.StartAsync(_db);
        await using var vnfm = await SampleAppManager.StartAsync(server, SimulatedTopologies.DoctorTestProject);
        vnfm.Answers["MAINTENANCE"] = "SILENT";
        await vnfm.SubscribeAsync();

        var sid = await server.Client.OpenSessionAsync(TimeSpan.FromSeconds(3));
        var session = await server.Client.WaitForStateAsync(sid, Within, "MAINTENANCE_FAILED", "MAINTENANCE_DONE");

        Assert.Equal("MAINTENANCE_FAILED", session["state"]!.GetValue<string>());
        Assert.Contains("no reply", session["reason"]!.GetValue<string>());
        Assert.Contains("maintenance.reply_window_expired.v1", (await server.Client.HistoryAsync(sid)).Select(e => e!["type"]!.GetValue<string>()));
    }

    [Fact]
    public async Task GivenMigrationsFail_WhenSessionMovesInstances_ThenItFailsAndEveryComputeIsEnabledAgain()
    {
        await using var server = await DoctorServer.StartAsync(_db);
        await using var vnfm = await SampleAppManager.StartAsync(server, SimulatedTopologies.DoctorTestProject);
        await vnfm.SubscribeAsync();
        server.Cloud.InjectFailure("migrate", "*");

        var sid = await server.Client.OpenSessionAsync(TimeSpan.FromSeconds(3));
        var session = await server.Client.WaitForStateAsync(sid, Within, "MAINTENANCE_FAILED", "MAINTENANCE_DONE");

        Assert.Equal("MAINTENANCE_FAILED", session["state"]!.GetValue<string>());
        Assert.Contains("MIGRATE of instance", session["reason"]!.GetValue<string>());
        await WaitUntilAsync(async () => (await server.Cloud.ListHostsAsync()).All(h => h.ComputeEnabled));
        Assert.All(await server.Cloud.ListHostsAsync(), h => Assert.True(h.ComputeEnabled, $"{h.Name} left disabled"));
    }

    [Fact]
    public async Task GivenServiceStoppedMidSession_WhenStartedAgainOnTheSameDatabase_ThenTheSessionCompletes()
    {
        var port = DoctorServer.FreePort();
        var cloud = new SimulatedCloud(new SimulatedCloudOptions { Topology = SimulatedTopologies.DoctorTestName });
        string sid;
        using var vnfmClient = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        using var cloudClient = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") }.WithToken(TestTokens.Admin);
        await using var vnfm = await SampleAppManager.StartAsync(vnfmClient, cloudClient, SimulatedTopologies.DoctorTestProject);
        await using (var first = await DoctorServer.StartAsync(_db, cloud, port: port))
        {
            // The project token lives in the database, so it keeps working on the restarted service.
            vnfmClient.WithToken((await TestTokens.CreateProjectTokenAsync(first.Client, SimulatedTopologies.DoctorTestProject)).Token);
            await vnfm.SubscribeAsync();
            sid = await first.Client.OpenSessionAsync(TimeSpan.FromSeconds(3));
            await first.Client.WaitForStateAsync(sid, Within, "PREPARE_MAINTENANCE", "START_MAINTENANCE", "PLANNED_MAINTENANCE", "MAINTENANCE_FAILED");
        }

        await using var second = await DoctorServer.StartAsync(_db, cloud, port: port);
        var session = await second.Client.WaitForStateAsync(sid, Within, "MAINTENANCE_DONE", "MAINTENANCE_FAILED");

        Assert.True(session["state"]!.GetValue<string>() == "MAINTENANCE_DONE", $"session ended {session.ToJsonString()}");
        Assert.Equal(3, session["maintained_hosts"]!.AsArray().Count);
        Assert.All(await cloud.ListHostsAsync(), h => Assert.True(h.ComputeEnabled));
    }

    [Fact]
    public async Task GivenRunningSession_WhenDeleted_ThenItStopsAndEveryComputeItDisabledIsEnabledAgain()
    {
        await using var server = await DoctorServer.StartAsync(_db);
        await using var vnfm = await SampleAppManager.StartAsync(server, SimulatedTopologies.DoctorTestProject);
        vnfm.Answers["PREPARE_MAINTENANCE"] = "SILENT";
        await vnfm.SubscribeAsync();

        var sid = await server.Client.OpenSessionAsync(TimeSpan.FromSeconds(3));
        await server.Client.WaitForStateAsync(sid, Within, "PREPARE_MAINTENANCE");
        await WaitUntilAsync(async () => (await server.Cloud.ListHostsAsync()).Any(h => !h.ComputeEnabled));

        var deleted = await server.Client.DeleteAsync($"/v1/maintenance/{sid}");

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.All(await server.Cloud.ListHostsAsync(), h => Assert.True(h.ComputeEnabled, $"{h.Name} left disabled"));
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync($"/v1/maintenance/{sid}")).StatusCode);
        var list = await server.Client.GetFromJsonAsync<JsonObject>("/v1/maintenance");
        Assert.DoesNotContain(sid, list!["session_id"]!.AsArray().Select(s => s!.GetValue<string>()));
    }

    [Fact]
    public async Task GivenProjectWithoutAlarm_WhenPolicyRequiresSubscription_ThenSessionFailsNamingTheProject()
    {
        await using var server = await DoctorServer.StartAsync(_db);

        var sid = await server.Client.OpenSessionAsync(TimeSpan.FromSeconds(3));
        var session = await server.Client.WaitForStateAsync(sid, Within, "MAINTENANCE_FAILED", "MAINTENANCE_DONE");

        Assert.Equal("MAINTENANCE_FAILED", session["state"]!.GetValue<string>());
        Assert.Contains($"project {SimulatedTopologies.DoctorTestProject}", session["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task GivenProjectWithoutAlarm_WhenPolicyIsProceed_ThenTheEngineMovesItsInstancesItself()
    {
        await using var server = await DoctorServer.StartAsync(_db);
        // Room to move without a scale-in: one more empty host.
        server.Cloud.Seed(
            [new SimulatedHostSeed("compute-0", 2), new SimulatedHostSeed("compute-1", 2), new SimulatedHostSeed("compute-2", 2), new SimulatedHostSeed("compute-3", 2)],
            [new SimulatedInstanceSeed("vm-0", "vm-0", "compute-0", "p1", 1, null), new SimulatedInstanceSeed("vm-1", "vm-1", "compute-1", "p1", 2, null),
             new SimulatedInstanceSeed("vm-2", "vm-2", "compute-2", "p1", 1, null)]);

        var sid = await server.Client.OpenSessionAsync(TimeSpan.FromSeconds(3), policy: "proceed");
        var session = await server.Client.WaitForStateAsync(sid, Within, "MAINTENANCE_DONE", "MAINTENANCE_FAILED");

        Assert.Equal("MAINTENANCE_DONE", session["state"]!.GetValue<string>());
        Assert.Equal(4, session["maintained_hosts"]!.AsArray().Count);
        Assert.Equal(3, (await server.Cloud.ListInstancesAsync()).Count);
    }

    [Fact]
    public async Task GivenAnAntiAffinityGroup_WhenItsHostsAreMaintained_ThenItsMembersNeverShareAHostNorMoveTogether()
    {
        await using var server = await DoctorServer.StartAsync(_db, settings: new Dictionary<string, string?> { ["Doctor:Simulated:ActionLatencyMs"] = "20" });
        // h1 has the most room, and runs aa-1: a plain scheduler would move aa-0 right beside it.
        server.Cloud.Seed(
            [new SimulatedHostSeed("h0", 4), new SimulatedHostSeed("h1", 8), new SimulatedHostSeed("h2", 4)],
            [new SimulatedInstanceSeed("aa-0", "aa-0", "h0", "p1", 1), new SimulatedInstanceSeed("f-1", "f-1", "h0", "p1", 2),
             new SimulatedInstanceSeed("aa-1", "aa-1", "h1", "p1", 1)]);
        (await server.Client.PutAsJsonAsync("/v1/instance_group/aa", new { project_id = "p1", anti_affinity_group = true, max_impacted_members = 1 })).EnsureSuccessStatusCode();
        foreach (var member in new[] { "aa-0", "aa-1" })
            (await server.Client.PutAsJsonAsync($"/v1/instance/{member}", new { project_id = "p1", group_id = "aa" })).EnsureSuccessStatusCode();
        var violations = new ConcurrentQueue<string>();
        server.Cloud.Changed += _ =>
        {
            var members = server.Cloud.Snapshot().Instances.Where(i => i.Id.StartsWith("aa-", StringComparison.Ordinal)).ToList();
            if (members.Count == 2 && members[0].Host == members[1].Host)
                violations.Enqueue($"both members on {members[0].Host}");
            if (members.Count == 2 && members.All(m => m.Status == SimulatedCloud.StatusMigrating))
                violations.Enqueue("both members moving at once");
        };

        var sid = await server.Client.OpenSessionAsync(TimeSpan.FromSeconds(3), new { hosts = new[] { "h2", "h0", "h1" } }, policy: "proceed");
        var session = await server.Client.WaitForStateAsync(sid, Within, "MAINTENANCE_DONE", "MAINTENANCE_FAILED");

        Assert.Equal("MAINTENANCE_DONE", session["state"]!.GetValue<string>());
        Assert.Empty(violations);
        var hosts = (await server.Cloud.ListInstancesAsync()).Where(i => i.Id.StartsWith("aa-", StringComparison.Ordinal)).Select(i => i.Host).ToList();
        Assert.NotEqual(hosts[0], hosts[1]);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 300 && !await condition(); i++)
            await Task.Delay(100);
    }

    /// <summary>Watches the HA pair: never both away at once, and the floating IP never on an instance that is moving.</summary>
    private sealed class HaPairWatch
    {
        public ConcurrentQueue<string> Violations { get; } = new();

        public static HaPairWatch Start(SimulatedCloud cloud)
        {
            var watch = new HaPairWatch();
            cloud.Changed += _ =>
            {
                var ha = cloud.Snapshot().Instances.Where(i => i.Name.StartsWith("ha", StringComparison.Ordinal)).ToList();
                if (ha.Count == 2 && ha.All(i => i.Status != SimulatedCloud.StatusActive))
                    watch.Violations.Enqueue("both HA instances unavailable at once");
                if (ha.Any(i => i.Status == SimulatedCloud.StatusMigrating && i.FloatingIp is not null))
                    watch.Violations.Enqueue("the floating IP was on an instance being moved");
            };
            return watch;
        }
    }
}
