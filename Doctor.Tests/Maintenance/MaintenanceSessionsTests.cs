using Doctor.Domain;
using Doctor.Domain.Maintenance;
using Doctor.Tests.Infrastructure;
using Doctor.Workflows;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Maintenance;
using Microsoft.Extensions.Logging.Abstractions;
using static Doctor.Tests.Maintenance.SessionHistory;

namespace Doctor.Tests.Maintenance;

/// <summary>Commands through the decider into the real store: several commands in one append, all or nothing.</summary>
public sealed class MaintenanceSessionsTests : IAsyncLifetime
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
    public async Task GivenSession_WhenTwoCommandsExecutedTogether_ThenBothDecisionsAreOneAppend()
    {
        var before = await _store.ReadStreamAsync(MaintenanceEventTypes.StreamId(Sid));

        var change = await _sessions.ExecuteAllAsync(Sid, (_, t) => [new DisableCompute("compute-0", t), new DisableCompute("compute-1", t)], EventMetadata.Engine(Sid));

        var appended = (await _store.ReadStreamAsync(MaintenanceEventTypes.StreamId(Sid))).Skip(before.Count).ToList();
        Assert.Equal(["compute-0", "compute-1"], change.State.DisabledComputes.Order());
        Assert.Equal(["maintenance.compute_disabled.v1", "maintenance.compute_disabled.v1"], appended.Select(e => e.Type));
        Assert.Single(appended.Select(e => e.RecordedAt).Distinct()); // one transaction
    }

    [Fact]
    public async Task GivenSession_WhenTheSecondOfTwoCommandsIsRefused_ThenNothingIsWritten()
    {
        var before = await _store.ReadStreamAsync(MaintenanceEventTypes.StreamId(Sid));

        await Assert.ThrowsAnyAsync<DomainRuleViolation>(() => _sessions.ExecuteAllAsync(Sid,
            (_, t) => [new DisableCompute("compute-0", t), new LeaveHostMaintenance("compute-0", t)], EventMetadata.Engine(Sid)));

        Assert.Equal(before.Count, (await _store.ReadStreamAsync(MaintenanceEventTypes.StreamId(Sid))).Count);
        Assert.Empty((await _sessions.LoadAsync(Sid)).State.DisabledComputes);
    }
}
