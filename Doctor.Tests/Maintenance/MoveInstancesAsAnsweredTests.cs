using Doctor.Domain.Maintenance;
using Doctor.Tests.Infrastructure;
using Doctor.Tests.Infrastructure.Simulated;
using Doctor.Workflows;
using Doctor.Workflows.Constraints;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Infrastructure.Simulated;
using Doctor.Workflows.Maintenance;
using Doctor.Workflows.Maintenance.Activities;
using Microsoft.Extensions.Logging.Abstractions;
using static Doctor.Tests.Maintenance.SessionHistory;

namespace Doctor.Tests.Maintenance;

/// <summary>PREPARE_MAINTENANCE's moves run again after a crash, on the real store and the persisted simulated cloud.</summary>
public sealed class MoveInstancesAsAnsweredTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private MaintenanceSessions _sessions = null!;
    private PostgresEventStore _store = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await EventStoreSchema.MigrateAsync(_db.DataSource);
        _store = new PostgresEventStore(_db.DataSource);
        _sessions = new MaintenanceSessions(_store, DoctorEventTypes.CreateRegistry(), _db.DataSource, TimeProvider.System,
            new PublicBaseUrl("http://127.0.0.1:1"), NullLogger<MaintenanceSessions>.Instance);
        var created = Created();
        await Execute((_, t) => new CreateSession(Sid, created.WorkflowId, created.WorkflowVersion, created.Hosts, DateTimeOffset.UtcNow.AddMinutes(5),
            created.MaintenanceAtForm, created.MetadataJson, created.Actions, created.Policy, "MAINTENANCE", t));
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task GivenAMigrationCutOffByACrash_WhenTheActivityRunsAgain_ThenItWaitsForTheCloudToFinishItAndRecordsItDone()
    {
        // The node that asked for the migration "dies" with it under way: its clock never moves again.
        var dying = Node(latencyMs: 5_000, new ManualTimeProvider());
        dying.Seed([new SimulatedHostSeed("compute-0", 4), new SimulatedHostSeed("compute-1", 4), new SimulatedHostSeed("compute-2", 4)],
            [TestClouds.Vm("vm-a", "compute-0", 2)]);
        await Execute((_, t) => new EnterState("PREPARE_MAINTENANCE", "test", t));
        await Execute((_, t) => new ChooseHost("compute-0", "test", t));
        await Execute((s, t) => new OpenReplyWindow(s.Round, [Project("p1", "vm-a")], ["MIGRATE"], t.AddMinutes(5), null, t));
        await Execute((_, t) => new RecordReply("p1", "ACK_PREPARE_MAINTENANCE", new Dictionary<string, string> { ["vm-a"] = "MIGRATE" }, t));
        await Execute((_, t) => new RequestInstanceAction("vm-a", "p1", "MIGRATE", "compute-0", t));
        _ = dying.MigrateAsync("vm-a", live: false, CancellationToken.None);

        var time = new ManualTimeProvider();
        var survivor = Node(latencyMs: 0, time);
        Assert.Equal(SimulatedCloud.StatusMigrating, (await survivor.GetInstanceAsync("vm-a"))!.Status);
        var run = new MoveInstancesAsAnswered(new ConstraintStore(_db.DataSource))
            .RunAsync(new ActivityContext(Sid, (await _sessions.LoadAsync(Sid)).State, _sessions, survivor, Hosts.HostStreams.Create(_db.DataSource, _store), new MaintenanceOptions()), CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(run.IsCompleted, run.IsCompleted ? $"ended: {await run}" : ""); // waiting, not asking for a second migration
        time.Advance(TimeSpan.FromSeconds(16)); // the cloud finishes what its caller left (SettleGrace past due)

        Assert.Null(await run.WaitAsync(TimeSpan.FromSeconds(60)));
        var stream = await _store.ReadStreamAsync(MaintenanceEventTypes.StreamId(Sid));
        Assert.Single(stream, e => e.Type == "maintenance.instance_action_done.v1");
        Assert.DoesNotContain(stream, e => e.Type == "maintenance.instance_action_failed.v1");
        var moved = await survivor.GetInstanceAsync("vm-a");
        Assert.Equal(SimulatedCloud.StatusActive, moved!.Status);
        Assert.NotEqual("compute-0", moved.Host);
    }

    private async Task Execute(Func<SessionState, DateTimeOffset, MaintenanceCommand> command) =>
        await _sessions.ExecuteAsync(Sid, command, EventMetadata.Engine(Sid));

    private SimulatedCloud Node(int latencyMs, TimeProvider time) =>
        new(new SimulatedCloudOptions { Topology = SimulatedTopologies.EmptyName, ActionLatencyMs = latencyMs, Store = SimulatedCloudOptions.PostgresStore }, _db.DataSource, time);
}
