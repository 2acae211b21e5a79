using Doctor.Workflows.Notifications.Alarms;
using Microsoft.Extensions.Logging.Abstractions;
using static Doctor.Tests.Notifications.AlarmExamples;

namespace Doctor.Tests.Notifications;

public class AlarmRepositoryTests(AlarmDatabase db) : IClassFixture<AlarmDatabase>, IAsyncLifetime
{
    private readonly AlarmRepository _repository = new(db.DataSource, NullLogger<AlarmRepository>.Instance);

    public Task InitializeAsync() => db.ClearAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Create_ThenGet_ReturnsEveryField()
    {
        var alarm = Alarm(
            eventType: "maintenance.*",
            projectId: "p1",
            repeat: true,
            query: [Query("traits.state", "=", "IN_MAINTENANCE", "string"), Query("traits.n", "ge", "3", "integer")],
            actions: [new Uri("http://127.0.0.1:9/a"), new Uri("https://vnfm.example/alarm?x=1")]) with
        {
            OkActions = [new Uri("http://127.0.0.1:9/ok")],
            Enabled = false,
            Description = "watch maintenance",
        };

        await _repository.CreateAsync(alarm);
        var read = await _repository.GetAsync(alarm.Id);

        Assert.NotNull(read);
        Assert.Equal(alarm.Id, read.Id);
        Assert.Equal(alarm.Name, read.Name);
        Assert.Equal("p1", read.ProjectId);
        Assert.Equal("user-1", read.UserId);
        Assert.Equal("maintenance.*", read.EventType.Text);
        Assert.Equal(
            [("traits.state", QueryOperator.Eq, "IN_MAINTENANCE", "string"), ("traits.n", QueryOperator.Ge, "3", "integer")],
            read.Query.Select(q => (q.Field, q.Op, q.Value, q.Type)));
        Assert.Equal(alarm.AlarmActions, read.AlarmActions);
        Assert.Equal(alarm.OkActions, read.OkActions);
        Assert.Empty(read.InsufficientDataActions);
        Assert.True(read.RepeatActions);
        Assert.False(read.Enabled);
        Assert.Equal(AlarmSeverities.Moderate, read.Severity);
        Assert.Equal("watch maintenance", read.Description);
        Assert.Equal(alarm.Status, read.Status);
        Assert.Equal(alarm.CreatedAt, read.CreatedAt);
    }

    [Fact]
    public async Task Get_WithUnknownId_ReturnsNull() => Assert.Null(await _repository.GetAsync(Guid.NewGuid()));

    [Fact]
    public async Task ListByProject_ReturnsOnlyThatProjectsAlarms_AndListAllReturnsEvery()
    {
        var mine = Alarm(projectId: "p1");
        var theirs = Alarm(projectId: "p2");
        var admin = Alarm(projectId: null);
        foreach (var alarm in new[] { mine, theirs, admin })
            await _repository.CreateAsync(alarm);

        Assert.Equal([mine.Id], (await _repository.ListByProjectAsync("p1")).Select(a => a.Id));
        Assert.Equal(new[] { mine.Id, theirs.Id, admin.Id }.Order(), (await _repository.ListAllAsync()).Select(a => a.Id).Order());
        Assert.Null((await _repository.ListAllAsync()).Single(a => a.Id == admin.Id).ProjectId);
    }

    [Fact]
    public async Task Delete_RemovesTheAlarm_AndSaysWhetherThereWasOne()
    {
        var alarm = Alarm();
        await _repository.CreateAsync(alarm);

        Assert.True(await _repository.DeleteAsync(alarm.Id));
        Assert.Null(await _repository.GetAsync(alarm.Id));
        Assert.False(await _repository.DeleteAsync(alarm.Id));
    }

    [Fact]
    public async Task UpdateStatuses_StoresEachTransitionWithItsHistory_AndLeavesTheDefinitions()
    {
        var first = Alarm(query: [Query("traits.state", "eq", "MAINTENANCE")]);
        var second = Alarm();
        await _repository.CreateAsync(first);
        await _repository.CreateAsync(second);
        var status = new AlarmStatus(AlarmStates.Alarm, Now.AddMinutes(5), "Event <id=m-1> hits", AlarmStates.InsufficientData, "m-1");
        var other = status with { Reason = "Event <id=m-2> hits", FiredBy = "m-2", Previous = null };
        var deleted = Guid.NewGuid();

        var updated = await _repository.UpdateStatusesAsync(new Dictionary<Guid, AlarmStatus> { [first.Id] = status, [second.Id] = other, [deleted] = status });

        Assert.Equal(new[] { first.Id, second.Id }.Order(), updated.Order()); // not the one that does not exist
        var read = await _repository.GetAsync(first.Id);
        Assert.Equal(status, read!.Status);
        Assert.Equal("traits.state", Assert.Single(read.Query).Field);
        Assert.Equal(other, (await _repository.GetAsync(second.Id))!.Status);
        var history = await _repository.ListHistoryAsync(second.Id);
        Assert.Equal("{\"state\" : \"alarm\"}", history.Single(h => h.Type == "state transition").Detail);
        Assert.Empty(await _repository.UpdateStatusesAsync(new Dictionary<Guid, AlarmStatus>()));
    }

    [Fact]
    public async Task EnsureSchema_RunTwice_IsHarmless()
    {
        var alarm = Alarm();
        await _repository.CreateAsync(alarm);

        await Doctor.Workflows.EventStore.EventStoreSchema.MigrateAsync(db.DataSource);

        Assert.NotNull(await _repository.GetAsync(alarm.Id));
    }
}
