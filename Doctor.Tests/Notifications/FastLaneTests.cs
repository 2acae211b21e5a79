using Doctor.Domain.Faults;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Faults;
using Doctor.Workflows.Notifications;
using Doctor.Workflows.Notifications.Alarms;
using Microsoft.Extensions.Logging.Abstractions;
using static Doctor.Tests.Notifications.AlarmExamples;

namespace Doctor.Tests.Notifications;

/// <summary>
/// The fault path's outbox and fast lane: several notifications in one batch event are delivered one by one, alarms
/// bound to one instance are found by that instance, and the feed that reaches what the fast lane already delivered
/// sends nothing again.
/// </summary>
public class FastLaneTests(AlarmDatabase db) : IClassFixture<AlarmDatabase>, IAsyncLifetime
{
    private WebhookListener _listener = null!;
    private AlarmServices _services = null!;

    public async Task InitializeAsync()
    {
        await db.ClearAsync();
        _listener = await WebhookListener.StartAsync();
        _services = AlarmServices.Create(db.DataSource);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _listener.DisposeAsync();
    }

    private static readonly EventTypeRegistry Types = Doctor.Workflows.DoctorEventTypes.CreateRegistry();

    private static FaultNotificationsEmitted HostDown(params (string Vm, string Project)[] instances) => new(
        new FaultReceived("incident-1", "fault-1", "compute.host.down", "compute-0", 4, Now.AddSeconds(-1), "link down", "inspector",
            "{\"hostname\": \"compute-0\"}", Now),
        [.. instances.Select(i => new AffectedInstance(i.Vm, i.Project))], [], "error", "DOWN", InstanceUpdates: true, Recovered: false, Now);

    private static RecordedEvent Stored(long seq, FaultNotificationsEmitted record)
    {
        var stored = Types.Serialize(record, Guid.NewGuid());
        return new(seq, stored.Id!.Value, "incident-incident-1", seq, stored.Type, stored.Data, EventMetadata.Engine("corr-1"), Now);
    }

    private Task<EventAlarm> AlarmOn(string project, string? vm, string path)
    {
        List<AlarmQuery> query = [Query("traits.state", "eq", "error")];
        if (vm is not null)
            query.Add(Query("traits.instance_id", "eq", vm));
        var alarm = Alarm("compute.instance.update", project, repeat: true, query: query, actions: _listener.Url(path));
        return _services.Directory.CreateAsync(alarm).ContinueWith(_ => alarm);
    }

    [Fact]
    public void Read_GivenAStoredFaultRecord_ThenTheSameNotificationsAsTheInMemoryExpansion_IdsIncluded_AndABrokenOneSkipped()
    {
        var record = HostDown(("vm-1", "p1"), ("vm-2", "p1"), ("vm-3", "p2"));

        var read = OutboxNotifications.Read(Stored(7, record), NullLogger.Instance);
        var expanded = record.Expand();

        Assert.Equal(["compute.instance.update", "compute.instance.update", "compute.instance.update", "doctor.fault", "doctor.fault"], read.Select(n => n.EventType));
        Assert.Equal(expanded.Select(n => n.MessageId), read.Select(n => n.MessageId));
        Assert.Equal(expanded.Select(n => n.Payload.ToJsonString()), read.Select(n => n.Payload.ToJsonString()));
        Assert.Equal(expanded.Select(n => n.MessageId), HostDown(("vm-1", "p1"), ("vm-2", "p1"), ("vm-3", "p2")).Expand().Select(n => n.MessageId));
        Assert.Equal(5, read.Select(n => n.MessageId).Distinct().Count());
        Assert.Empty(OutboxNotifications.Read(new RecordedEvent(8, Guid.NewGuid(), "s", 1, FaultNotificationsEmitted.TypeName, "{\"instances\": 3}",
            EventMetadata.Engine("c"), Now), NullLogger.Instance));
        Assert.Empty(OutboxNotifications.Read(new RecordedEvent(9, Guid.NewGuid(), "s", 1, FaultNotificationsEmitted.TypeName, "{}",
            EventMetadata.Engine("c"), Now), NullLogger.Instance));
    }

    [Fact]
    public async Task Hearing_GivenAlarmsBoundToInstances_ThenOnlyTheInstancesOwnAndTheUnboundOnes_AndDeleteForgetsTheBinding()
    {
        var vm1 = await AlarmOn("p1", "vm-1", "/vm-1");
        var vm2 = await AlarmOn("p1", "vm-2", "/vm-2");
        var any = await AlarmOn("p1", null, "/any");
        var otherProjectOnVm1 = await AlarmOn("p2", "vm-1", "/p2");

        var heard = _services.Directory.Hearing("p1", "vm-1").Select(a => a.Id).ToHashSet();

        Assert.Equal(new HashSet<Guid> { vm1.Id, any.Id, otherProjectOnVm1.Id }, heard); // p2's is heard, then refused by the evaluator
        Assert.DoesNotContain(vm2.Id, heard);
        Assert.Equal([any.Id], _services.Directory.Hearing("p1", null).Select(a => a.Id));
        Assert.Equal(4, _services.Directory.Hearing("p1").Count() + _services.Directory.Hearing("p2").Count());

        await _services.Directory.DeleteAsync(vm1.Id);
        Assert.DoesNotContain(vm1.Id, _services.Directory.Hearing("p1", "vm-1").Select(a => a.Id));
        await _services.Directory.RefreshAsync();
        Assert.Equal(new HashSet<Guid> { any.Id, otherProjectOnVm1.Id }, _services.Directory.Hearing("p1", "vm-1").Select(a => a.Id).ToHashSet());

        // The unbound alarm's own index follows its changes (a state move replaces it in place) and its deletion.
        await _services.Directory.RecordStatusesAsync(new Dictionary<Guid, AlarmStatus>
        {
            [any.Id] = new(AlarmStates.Alarm, DateTimeOffset.UtcNow, "moved by the test", AlarmStates.InsufficientData, "m-1"),
        });
        Assert.Equal(AlarmStates.Alarm, Assert.Single(_services.Directory.Hearing("p1", null)).Status.State);
        await _services.Directory.DeleteAsync(any.Id);
        Assert.Empty(_services.Directory.Hearing("p1", null));
        Assert.Equal([otherProjectOnVm1.Id], _services.Directory.Hearing("p1", "vm-1").Select(a => a.Id));
    }

    [Fact]
    public async Task FastLane_GivenABatch_ThenEachAlarmFiresOnce_AndTheFeedReachingTheSameEventSendsNothingAgain()
    {
        await AlarmOn("p1", "vm-1", "/vm-1");
        await AlarmOn("p1", "vm-2", "/vm-2");
        await AlarmOn("p1", null, "/any");
        await AlarmOn("p2", "vm-1", "/p2");
        var batch = Stored(1, HostDown(("vm-1", "p1"), ("vm-2", "p1")));
        var shortcut = (INotificationShortcut)_services.Shortcut;

        await shortcut.DeliverNowAsync([batch], CancellationToken.None);
        await _services.Notifier.HandleAsync([batch], CancellationToken.None); // claims the fast lane's work: nothing routed
        await _services.Notifier.HandleAsync([batch], CancellationToken.None); // a replay: routed again, rows found, nothing queued
        await _services.WhenIdleAsync();

        Assert.Single(_listener.Accepted("/vm-1"));
        Assert.Single(_listener.Accepted("/vm-2"));
        Assert.Equal(2, _listener.Accepted("/any").Count);
        Assert.Empty(_listener.Accepted("/p2"));
        Assert.Equal(4, _listener.AllAttempts.Select(p => p.EventId).Distinct().Count());
        Assert.Equal(4, _listener.AllAttempts.Count);
    }

    [Fact]
    public async Task FastLane_GivenFreshAlarmsWithoutRepeat_ThenTheirMovesAreStoredBeforeTheirWebhooks_AndTheEndpointHearsTheBatchInOrder()
    {
        var shortcut = (INotificationShortcut)_services.Shortcut;
        var steady = await AlarmOn("p1", null, "/ordered"); // repeats; fired once below, so it no longer moves
        await shortcut.DeliverNowAsync([Stored(1, HostDown(("vm-0", "p1")))], CancellationToken.None);
        await _services.WhenIdleAsync();
        var vm1 = await FreshAlarmOn("vm-1", "/ordered");
        var vm2 = await FreshAlarmOn("vm-2", "/ordered");
        var record = HostDown(("vm-1", "p1"), ("vm-2", "p1"));
        var (n1, n2) = (record.Expand()[0].MessageId, record.Expand()[1].MessageId);

        await shortcut.DeliverNowAsync([Stored(2, record)], CancellationToken.None);
        await _services.WhenIdleAsync();

        // Queued in the order routed, although the first move holds back everything routed after it until it is stored.
        var heard = _listener.Accepted("/ordered").Select(p => (Alarm: p.Json["alarm_id"]!.GetValue<string>(), Message: MessageIdOf(p)))
            .Where(p => p.Message == n1 || p.Message == n2).ToList();
        Assert.Equal([(steady.Id.ToString(), n1), (vm1.Id.ToString(), n1), (steady.Id.ToString(), n2), (vm2.Id.ToString(), n2)], heard);
        foreach (var (alarm, firedBy) in new[] { (vm1, n1), (vm2, n2) })
        {
            var stored = (await _services.Repository.GetAsync(alarm.Id))!.Status;
            Assert.Equal((AlarmStates.Alarm, AlarmStates.InsufficientData, firedBy), (stored.State, stored.Previous, stored.FiredBy));
            Assert.Single(await _services.Repository.ListHistoryAsync(alarm.Id), h => h.Type == "state transition");
        }
    }

    [Fact]
    public async Task FastLane_GivenAnAlarmDeletedOnAnotherNodeBeforeItsMoveIsStored_ThenItsWebhookIsDropped_AndTheOthersGoOut()
    {
        var gone = await FreshAlarmOn("vm-1", "/gone");
        var kept = await FreshAlarmOn("vm-2", "/kept");
        Assert.True(await _services.Repository.DeleteAsync(gone.Id)); // this node's directory still holds it

        await ((INotificationShortcut)_services.Shortcut).DeliverNowAsync([Stored(1, HostDown(("vm-1", "p1"), ("vm-2", "p1")))], CancellationToken.None);
        await _services.WhenIdleAsync();

        Assert.DoesNotContain(_listener.AllAttempts, p => p.Path == "/gone");
        Assert.Single(_listener.Accepted("/kept"));
        Assert.Null(_services.Directory.Find(gone.Id));
        Assert.Equal(AlarmStates.Alarm, _services.Directory.Find(kept.Id)!.Status.State);
    }

    private async Task<EventAlarm> FreshAlarmOn(string vm, string path)
    {
        var alarm = Alarm("compute.instance.update", "p1", repeat: false,
            query: [Query("traits.state", "eq", "error"), Query("traits.instance_id", "eq", vm)], actions: _listener.Url(path));
        await _services.Directory.CreateAsync(alarm);
        return alarm;
    }

    private static string MessageIdOf(ReceivedPost post) => post.Json["reason_data"]!["event"]!["message_id"]!.GetValue<string>();
}
