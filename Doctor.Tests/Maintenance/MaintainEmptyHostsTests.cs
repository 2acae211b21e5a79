using Doctor.Domain.Maintenance;
using Doctor.Tests.Infrastructure;
using Doctor.Workflows;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Infrastructure.Simulated;
using Doctor.Workflows.Maintenance;
using Doctor.Workflows.Maintenance.Activities;
using Microsoft.Extensions.Logging.Abstractions;
using static Doctor.Tests.Maintenance.SessionHistory;

namespace Doctor.Tests.Maintenance;

/// <summary>START_MAINTENANCE run again after a crash, on the real store and the simulated cloud.</summary>
public sealed class MaintainEmptyHostsTests : IAsyncLifetime
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
        await _sessions.ExecuteAsync(Sid, (_, t) => new CreateSession(Sid, created.WorkflowId, created.WorkflowVersion, created.Hosts, DateTimeOffset.UtcNow.AddMinutes(5),
            created.MaintenanceAtForm, created.MetadataJson, created.Actions, created.Policy, "MAINTENANCE", t), EventMetadata.Engine(Sid));
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task GivenACrashAfterAHostLeftMaintenanceBeforeItsComputeWasEnabled_WhenTheActivityRunsAgain_ThenTheComputeIsEnabledOnce()
    {
        var cloud = new SimulatedCloud(new SimulatedCloudOptions { Topology = SimulatedTopologies.DoctorTestName });
        await Execute((_, t) => new DisableCompute("compute-1", t));
        await cloud.SetComputeEnabledAsync("compute-1", false, "maintenance session");
        await Execute((_, t) => new EnterHostMaintenance("compute-1", t));
        await Execute((_, t) => new LeaveHostMaintenance("compute-1", t));
        // The crash: neither the cloud nor the stream has the compute enabled again.

        var activity = new MaintainEmptyHosts([]);
        Assert.Null(await activity.RunAsync(await ContextAsync(cloud), CancellationToken.None));
        Assert.Null(await activity.RunAsync(await ContextAsync(cloud), CancellationToken.None)); // and once more: nothing twice

        Assert.True((await cloud.ListHostsAsync()).Single(h => h.Name == "compute-1").ComputeEnabled);
        Assert.Empty((await _sessions.LoadAsync(Sid)).State.DisabledComputes);
        var stream = await _store.ReadStreamAsync(MaintenanceEventTypes.StreamId(Sid));
        Assert.Single(stream, e => e.Type == "maintenance.compute_enabled.v1");
    }

    [Fact]
    public async Task GivenAnEmptyHost_WhenTheActivityMaintainsIt_ThenTheHostStreamHoldsItForTheSessionAndLetsItGo()
    {
        var cloud = new SimulatedCloud(new SimulatedCloudOptions { Topology = SimulatedTopologies.DoctorTestName });
        foreach (var vm in await cloud.ListInstancesAsync("compute-1"))
            cloud.DeleteInstance(vm.Id);

        Assert.Null(await new MaintainEmptyHosts([]).RunAsync(await ContextAsync(cloud), CancellationToken.None));

        var stream = await _store.ReadStreamAsync(Doctor.Workflows.Hosts.HostEventTypes.StreamId("compute-1"));
        Assert.Equal(["host.held_for_maintenance.v1", "host.released_from_maintenance.v1"], stream.Select(e => e.Type));
        Assert.All(stream, e => Assert.Contains(Sid, e.Data));
        Assert.Equal(Doctor.Domain.Hosts.HostState.Normal, (await Hosts.HostStreams.Create(_db.DataSource, _store).GetAsync("compute-1", CancellationToken.None)).State);
    }

    private async Task Execute(Func<SessionState, DateTimeOffset, MaintenanceCommand> command) =>
        await _sessions.ExecuteAsync(Sid, command, EventMetadata.Engine(Sid));

    private async Task<ActivityContext> ContextAsync(SimulatedCloud cloud) =>
        new(Sid, (await _sessions.LoadAsync(Sid)).State, _sessions, cloud, Hosts.HostStreams.Create(_db.DataSource, _store), new MaintenanceOptions());
}
