using Doctor.Workflows.Notifications.Alarms;
using Doctor.Workflows.Notifications.Alarms.Queries;
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
        var transition = history.Single(h => h.Type == "state transition");
        Assert.Equal("{\"state\": \"alarm\", \"transition_reason\": \"Event <id=m-2> hits\"}", transition.Detail); // Python's json.dumps, as Aodh writes it
        Assert.Equal(second.Severity, transition.Severity);
        Assert.Equal(second.ProjectId, transition.OnBehalfOf);
        Assert.Empty(await _repository.UpdateStatusesAsync(new Dictionary<Guid, AlarmStatus>()));
    }

    [Fact]
    public async Task Update_ReplacesTheDefinitionAndRecordsTheChange_ButLeavesTheStateToTheNotifier()
    {
        var alarm = Alarm(projectId: "p1");
        await _repository.CreateAsync(alarm, new AlarmAuthor("creator", "p1"));
        var fired = alarm.Status with { State = AlarmStates.Alarm, FiredBy = "m-1", ChangedAt = Now.AddSeconds(30) };
        await _repository.UpdateStatusesAsync(new Dictionary<Guid, AlarmStatus> { [alarm.Id] = fired });
        var renamed = alarm with { Name = "renamed", Severity = AlarmSeverities.Critical, UpdatedAt = Now.AddMinutes(1) };
        var change = new AlarmHistoryEntry(Guid.NewGuid(), alarm.Id, AlarmHistoryEntry.RuleChange, """{"name": "renamed"}""", Now.AddMinutes(1), "u-2", "p1", "p1", "critical");

        Assert.True(await _repository.UpdateAsync(renamed, statusChanged: false, change));

        var read = await _repository.GetAsync(alarm.Id);
        Assert.Equal("renamed", read!.Name);
        Assert.Equal(AlarmSeverities.Critical, read.Severity);
        Assert.Equal(Now.AddMinutes(1), read.Timestamp);
        Assert.Equal(fired, read.Status); // the firing the update did not know about is kept
        var history = await _repository.ListHistoryAsync(alarm.Id);
        Assert.Equal(["creation", "state transition", "rule change"], history.Select(h => h.Type));
        Assert.Equal(change, history[2]);
        Assert.Equal(("creator", "p1", "p1", AlarmSeverities.Moderate), (history[0].UserId, history[0].ProjectId, history[0].OnBehalfOf, history[0].Severity));
        Assert.False(await _repository.UpdateAsync(renamed with { Id = Guid.NewGuid() }, statusChanged: false, null));
    }

    [Fact]
    public async Task SetStatus_StoresTheStateWithItsEntry_AndDeleteTakesTheHistoryAlong()
    {
        var alarm = Alarm(projectId: "p1");
        await _repository.CreateAsync(alarm);
        var manual = new AlarmStatus(AlarmStates.Ok, Now.AddMinutes(2), AlarmStatus.ManuallySet, AlarmStates.InsufficientData, null);
        var change = new AlarmHistoryEntry(Guid.NewGuid(), alarm.Id, AlarmHistoryEntry.StateTransition,
            """{"state": "ok", "state_reason": "Manually set via API"}""", Now.AddMinutes(2), "u-1", null, "p1");

        Assert.True(await _repository.SetStatusAsync(alarm.Id, manual, change));

        Assert.Equal(manual, (await _repository.GetAsync(alarm.Id))!.Status);
        Assert.Equal(change, (await _repository.ListHistoryAsync(alarm.Id))[^1]);
        Assert.True(await _repository.DeleteAsync(alarm.Id));
        Assert.Empty(await _repository.ListHistoryAsync(alarm.Id)); // Aodh deletes an alarm's history with it
        Assert.False(await _repository.SetStatusAsync(alarm.Id, manual, change with { EventId = Guid.NewGuid() }));
    }

    [Fact]
    public async Task QueryHistory_RunsTheFilterInTheDatabase_WithSqlNulls_Patterns_Lists_OrderAndLimit()
    {
        var a = Alarm(projectId: "p1");
        var b = Alarm(projectId: "p2");
        await _repository.CreateAsync(a, new AlarmAuthor("u-a", "p1"));
        await _repository.CreateAsync(b, new AlarmAuthor(null, null)); // an admin without a project
        await _repository.SetStatusAsync(a.Id, a.Status with { State = AlarmStates.Ok, ChangedAt = Now.AddMinutes(1) },
            new AlarmHistoryEntry(Guid.NewGuid(), a.Id, AlarmHistoryEntry.StateTransition, """{"state": "ok"}""", Now.AddMinutes(1), "u-a", "p1", "p1"));
        static FieldCondition Is(string field, FilterOperator op, params FilterValue[] values) => FieldCondition.Create(field, op, values);

        var mine = await _repository.QueryHistoryAsync(Is("on_behalf_of", FilterOperator.Eq, FilterValue.OfText("p1")), [], null);
        Assert.Equal(["state transition", "creation"], mine.Select(h => h.Type)); // newest first by default
        // project_id is null on b's creation: neither "= x" nor "not (= x)" keeps it, as in SQL.
        var notP1 = await _repository.QueryHistoryAsync(new NotFilter(Is("project_id", FilterOperator.Eq, FilterValue.OfText("p1"))), [], null);
        Assert.Empty(notP1);
        var pattern = await _repository.QueryHistoryAsync(Is("detail", FilterOperator.Matches, FilterValue.OfText("^\\{\"state\"")), [], null);
        Assert.Equal(a.Id, Assert.Single(pattern).AlarmId);
        var either = await _repository.QueryHistoryAsync(
            new AllOf([Is("alarm_id", FilterOperator.In, FilterValue.OfText(a.Id.ToString()), FilterValue.OfText(b.Id.ToString())), Is("type", FilterOperator.Eq, FilterValue.OfText("creation"))]),
            [new SortKey("on_behalf_of", Descending: true)], limit: 1);
        Assert.Equal(b.Id, Assert.Single(either).AlarmId);
        var later = await _repository.QueryHistoryAsync(Is("timestamp", FilterOperator.Gt, FilterValue.OfTime(Now)), [], null);
        Assert.Equal(AlarmHistoryEntry.StateTransition, Assert.Single(later).Type);
        // .NET takes a named group; PostgreSQL does not: its refusal is the client's 400, not a 500.
        await Assert.ThrowsAsync<AlarmFilterException>(() => _repository.QueryHistoryAsync(Is("detail", FilterOperator.Matches, FilterValue.OfText("(?<n>x)")), [], null));
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
