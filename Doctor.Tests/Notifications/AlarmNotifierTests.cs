using System.Net;
using System.Net.Sockets;
using System.Text.Encodings.Web;
using System.Text.Json;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Notifications;
using Doctor.Workflows.Notifications.Alarms;
using Doctor.Workflows.Notifications.Delivery;
using static Doctor.Tests.Notifications.AlarmExamples;

namespace Doctor.Tests.Notifications;

public class AlarmNotifierTests(AlarmDatabase db) : IClassFixture<AlarmDatabase>, IAsyncLifetime
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

    private async Task<EventAlarm> CreateAsync(EventAlarm alarm)
    {
        await _services.Directory.CreateAsync(alarm);
        return alarm;
    }

    private Task HandleAsync(params NotificationEmitted[] notifications) =>
        _services.Notifier.HandleAsync([.. notifications.Select((n, i) => Recorded(n, i + 1))], CancellationToken.None);

    [Fact]
    public void Registration_ExposesTheNotifierAsTheAlarmNotifierFeedHandler()
    {
        Assert.Same(_services.Notifier, _services.FeedHandler);
        Assert.Equal("alarm-notifier", _services.FeedHandler.Name);
    }

    [Theory]
    [InlineData(0, 1, 5000, "MaxAttempts")]
    [InlineData(3, -1, 5000, "BaseDelayMs")]
    [InlineData(3, 1, 5, "TimeoutMs")]
    public async Task Registration_WithInvalidNotifierOptions_RefusesToStart_NamingTheSetting(int maxAttempts, int baseDelayMs, int timeoutMs, string setting)
    {
        await using var services = AlarmServices.Create(db.DataSource, maxAttempts, baseDelayMs, timeoutMs);

        var refused = Assert.ThrowsAny<Exception>(() => services.Dispatcher);

        Assert.Contains($"Doctor:Notifier:{setting}", refused.Message);
    }

    [Fact]
    public async Task Handle_GivenMatchingAlarms_ThenPostsAodhBodyWithHeaders_ToEachAlarmsActions()
    {
        var inspector = await CreateAsync(Alarm("maintenance.host", projectId: null, actions: _listener.Url("/inspector")));
        var vnfm = await CreateAsync(Alarm("maintenance.scheduled", projectId: "p1",
            query: [Query("traits.state", "eq", "MAINTENANCE")], actions: _listener.Url("/vnfm")));
        var scheduled = Notification("maintenance.scheduled", "p1",
            """{"service": "doctor", "session_id": "s1", "project_id": "p1", "state": "MAINTENANCE", "allowed_actions": ["MIGRATE"], "reply_at": "2026-11-22 10:00:00"}""");
        var host = Notification("maintenance.host", null, """{"service": "doctor", "state": "IN_MAINTENANCE", "session_id": "s1", "host": "compute-1", "project_id": null}""");
        var other = new RecordedEvent(1, Guid.NewGuid(), "maintenance-s1", 1, "maintenance.session_created.v1", "{}", EventMetadata.Engine("c"), Now);

        await _services.Notifier.HandleAsync([other, Recorded(scheduled, 2), Recorded(host, 3)], CancellationToken.None);

        var toVnfm = Assert.Single(await _listener.WaitForAcceptedAsync("/vnfm", 1));
        Assert.Equal("POST", toVnfm.Method);
        Assert.Equal("application/json", toVnfm.ContentType);
        Assert.Equal(EventId(scheduled, vnfm, _listener.Url("/vnfm")), toVnfm.EventId);
        Assert.StartsWith("req-", toVnfm.Headers["x-openstack-request-id"]);
        var body = toVnfm.Json;
        Assert.Equal(vnfm.Id.ToString(), body["alarm_id"]!.GetValue<string>());
        Assert.Equal("insufficient data", body["previous"]!.GetValue<string>());
        Assert.Equal("alarm", body["current"]!.GetValue<string>());
        Assert.Equal(scheduled.MessageId, body["reason_data"]!["event"]!["message_id"]!.GetValue<string>());
        Assert.Equal(
            """[["service",1,"doctor"],["session_id",1,"s1"],["project_id",1,"p1"],["state",1,"MAINTENANCE"],["allowed_actions",1,"[\"MIGRATE\"]"],["reply_at",4,"2026-11-22 10:00:00"]]""",
            body["reason_data"]!["event"]!["traits"]!.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));

        var toInspector = Assert.Single(await _listener.WaitForAcceptedAsync("/inspector", 1));
        Assert.Equal(EventId(host, inspector, _listener.Url("/inspector")), toInspector.EventId);
        Assert.Equal("maintenance.host", toInspector.Json["reason_data"]!["event"]!["event_type"]!.GetValue<string>());
        await _services.WhenIdleAsync();
        Assert.Equal(2, _listener.AllAttempts.Count);
        Assert.Equal(2, _services.Counters.Delivered);
    }

    [Fact]
    public async Task Handle_GivenProjectAlarm_WhenAnotherProjectsOrAnAdminNotification_ThenNothingIsSent()
    {
        await CreateAsync(Alarm("maintenance.*", projectId: "p1", repeat: true, actions: _listener.Url("/p1")));
        var marker = Notification("maintenance.scheduled", "p1");

        await HandleAsync(Notification("maintenance.scheduled", "p2"), Notification("maintenance.host", null), marker);
        await _services.WhenIdleAsync();

        Assert.Equal(marker.MessageId, Assert.Single(_listener.Attempts("/p1")).Json["reason_data"]!["event"]!["message_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Handle_GivenDisabledAlarm_ThenNothingIsSent()
    {
        await CreateAsync(Alarm(enabled: false, actions: _listener.Url("/off")));

        await HandleAsync(Notification());
        await _services.WhenIdleAsync();

        Assert.Empty(_listener.AllAttempts);
    }

    [Fact]
    public async Task Handle_GivenNoRepeat_WhenTwoMatchingNotifications_ThenFiresOnce_AndStoresTheTransition()
    {
        var alarm = await CreateAsync(Alarm(repeat: false, actions: _listener.Url("/once")));
        var first = Notification();

        await HandleAsync(first, Notification());
        await _services.WhenIdleAsync();

        var post = Assert.Single(_listener.Attempts("/once"));
        Assert.Equal(EventId(first, alarm, _listener.Url("/once")), post.EventId);
        var stored = await _services.Repository.GetAsync(alarm.Id);
        Assert.Equal(AlarmStates.Alarm, stored!.Status.State);
        Assert.Equal(AlarmStates.InsufficientData, stored.Status.Previous);
        Assert.Equal(first.MessageId, stored.Status.FiredBy);
        Assert.Equal(post.Json["reason"]!.GetValue<string>(), stored.Status.Reason);
        Assert.Equal(AlarmStates.Alarm, _services.Directory.Find(alarm.Id)!.Status.State);
    }

    [Fact]
    public async Task Handle_GivenNoRepeatAndFired_WhenTheFeedReplaysTheSameBatchAfterARestart_ThenNothingIsSentAgain()
    {
        var alarm = await CreateAsync(Alarm(repeat: false, actions: _listener.Url("/replay")));
        var first = Notification();
        await HandleAsync(first);
        await _services.WhenIdleAsync();
        await _services.DisposeAsync();
        _services = AlarmServices.Create(db.DataSource); // a new process: the directory reloads from the table

        await HandleAsync(first, Notification());
        await _services.WhenIdleAsync();

        // The delivery of the first firing is recorded as delivered: the replay finds its row and sends nothing.
        var post = Assert.Single(_listener.Attempts("/replay"));
        Assert.Equal(EventId(first, alarm, _listener.Url("/replay")), post.EventId);
        Assert.Equal("insufficient data", post.Json["previous"]!.GetValue<string>());
    }

    [Fact]
    public async Task Handle_GivenAFiringRecordedButNotSent_WhenANewProcessStarts_ThenItIsSentWithTheSameEventId()
    {
        var alarm = await CreateAsync(Alarm(repeat: false, actions: _listener.Url("/recovered")));
        var first = Notification();
        var release = new TaskCompletionSource();
        _listener.HangNext("/recovered", release.Task);
        await HandleAsync(first);
        await _listener.WaitForAttemptsAsync("/recovered", 1);
        await _services.DisposeAsync(); // the process stops while the POST hangs: the row stays pending
        release.SetResult();
        _services = AlarmServices.Create(db.DataSource);

        await _services.Recovery.EnsureRecoveredAsync(CancellationToken.None);
        await _services.WhenIdleAsync();

        // The hung first attempt may or may not count as received: at least once, and every copy with the same event id.
        var attempts = await _listener.WaitForAttemptsAsync("/recovered", 2);
        Assert.NotEmpty(_listener.Accepted("/recovered"));
        Assert.All(attempts, p => Assert.Equal(EventId(first, alarm, _listener.Url("/recovered")), p.EventId));
        Assert.Equal("delivered", (await _services.Store.ListBySubscriberAsync(NotificationRouter.AlarmSubscriber(alarm.Id), 10)).Single().Status);
    }

    [Fact]
    public async Task Handle_GivenRepeat_WhenThreeMatchingNotifications_ThenFiresEveryTime_WithPreviousState()
    {
        await CreateAsync(Alarm(repeat: true, actions: _listener.Url("/repeat")));

        await HandleAsync(Notification(), Notification(), Notification());

        var posts = await _listener.WaitForAcceptedAsync("/repeat", 3);
        Assert.Equal(["insufficient data", "alarm", "alarm"], posts.Select(p => p.Json["previous"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Handle_GivenUnreadableNotification_ThenSkipsIt_AndDeliversTheRest()
    {
        await CreateAsync(Alarm(repeat: true, actions: _listener.Url("/rest")));
        var broken = new RecordedEvent(1, Guid.NewGuid(), "s", 1, NotificationEmitted.TypeName, "{not json", EventMetadata.Engine("c"), Now);
        var empty = new RecordedEvent(2, Guid.NewGuid(), "s", 2, NotificationEmitted.TypeName, "{}", EventMetadata.Engine("c"), Now);
        var good = Notification();

        await _services.Notifier.HandleAsync([broken, empty, Recorded(good, 3)], CancellationToken.None);

        Assert.Equal(good.MessageId, MessageIdOf(Assert.Single(await _listener.WaitForAcceptedAsync("/rest", 1))));
    }

    [Fact]
    public async Task Deliver_WhenEndpointAnswers503Twice_ThenRetriesWithTheSameEventId_AndDeliversOnce()
    {
        var alarm = await CreateAsync(Alarm(actions: _listener.Url("/flaky")));
        _listener.FailNext("/flaky", 503, times: 2);
        var notification = Notification();

        await HandleAsync(notification);
        await _services.WhenIdleAsync();

        var attempts = _listener.Attempts("/flaky");
        Assert.Equal(3, attempts.Count);
        Assert.All(attempts, a => Assert.Equal(EventId(notification, alarm, _listener.Url("/flaky")), a.EventId));
        Assert.Equal(attempts[0].Body, attempts[2].Body);
        Assert.Single(_listener.Accepted("/flaky"));
        Assert.Equal((1, 2, 0), (_services.Counters.Delivered, _services.Counters.Retried, _services.Counters.Dead));
        Assert.Equal(0, _services.Counters.Pending);
    }

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    public async Task Deliver_WhenEndpointAnswersARetryableStatus_ThenRetries(int status)
    {
        await CreateAsync(Alarm(actions: _listener.Url("/busy")));
        _listener.FailNext("/busy", status);

        await HandleAsync(Notification());
        await _services.WhenIdleAsync();

        Assert.Equal(2, _listener.Attempts("/busy").Count);
        Assert.Equal(1, _services.Counters.Delivered);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(404)]
    [InlineData(410)]
    public async Task Deliver_WhenEndpointAnswersA4xx_ThenDoesNotRetry_AndDeadLetters(int status)
    {
        var alarm = await CreateAsync(Alarm(actions: _listener.Url("/refuses")));
        _listener.FailNext("/refuses", status);
        var notification = Notification();

        await HandleAsync(notification);
        await _services.WhenIdleAsync();

        Assert.Single(_listener.Attempts("/refuses"));
        var letter = Assert.Single(_services.DeadLetters.Letters);
        Assert.Equal(1, letter.Attempts);
        Assert.Contains($"HTTP {status}", letter.LastError);
        Assert.Equal(EventId(notification, alarm, _listener.Url("/refuses")), letter.Delivery.EventId);
        Assert.Equal((0, 1), (_services.Counters.Delivered, _services.Counters.Dead));
    }

    [Fact]
    public async Task Deliver_WhenEndpointRedirects_ThenTheRedirectIsNotFollowed()
    {
        await CreateAsync(Alarm(actions: _listener.Url("/moved")));
        _listener.RedirectNext("/moved", _listener.Url("/elsewhere"));

        await HandleAsync(Notification());
        await _services.WhenIdleAsync();

        Assert.Single(_listener.Attempts("/moved"));
        Assert.Empty(_listener.Attempts("/elsewhere"));
        Assert.Contains("HTTP 307", Assert.Single(_services.DeadLetters.Letters).LastError);
    }

    [Fact]
    public async Task Deliver_WhenAnAttemptTimesOut_ThenRetries_AndDelivers()
    {
        await _services.DisposeAsync();
        _services = AlarmServices.Create(db.DataSource, timeoutMs: 1000);
        await CreateAsync(Alarm(actions: _listener.Url("/slow")));
        _listener.HangNext("/slow", new TaskCompletionSource().Task); // never answers: only the timeout ends it

        await HandleAsync(Notification());
        await _services.WhenIdleAsync();

        Assert.Equal(2, _listener.Attempts("/slow").Count);
        Assert.Single(_listener.Accepted("/slow"));
        Assert.Equal((1, 1), (_services.Counters.Delivered, _services.Counters.Retried));
    }

    [Fact]
    public async Task Deliver_WhenNothingListens_ThenRetriesUpToMaxAttempts_AndDeadLetters()
    {
        await _services.DisposeAsync();
        _services = AlarmServices.Create(db.DataSource, maxAttempts: 3);
        var nowhere = new Uri($"http://127.0.0.1:{FreePort()}/gone");
        await CreateAsync(Alarm(actions: nowhere));

        await HandleAsync(Notification());
        await _services.WhenIdleAsync();

        var letter = Assert.Single(_services.DeadLetters.Letters);
        Assert.Equal(3, letter.Attempts);
        Assert.Equal(nowhere, letter.Delivery.Endpoint);
        Assert.Contains("HttpRequestException", letter.LastError);
        Assert.Equal((0, 2, 1), (_services.Counters.Delivered, _services.Counters.Retried, _services.Counters.Dead));
    }

    [Fact]
    public async Task Deliver_GivenOneHungEndpoint_ThenTheOtherEndpointStillGetsEverything_AndTheHungOneCatchesUpInOrder()
    {
        await CreateAsync(Alarm(repeat: true, actions: [_listener.Url("/hung"), _listener.Url("/live")]));
        var release = new TaskCompletionSource();
        _listener.HangNext("/hung", release.Task);
        var notifications = Enumerable.Range(0, 5).Select(_ => Notification()).ToArray();

        await HandleAsync(notifications);

        var live = await _listener.WaitForAcceptedAsync("/live", 5);
        Assert.Single(_listener.Attempts("/hung")); // still held on its first delivery
        Assert.Empty(_listener.Accepted("/hung"));
        release.SetResult();
        var caughtUp = await _listener.WaitForAcceptedAsync("/hung", 5);
        var sent = notifications.Select(n => n.MessageId).ToArray();
        Assert.Equal(sent, live.Select(MessageIdOf));
        Assert.Equal(sent, caughtUp.Select(MessageIdOf));
    }

    [Fact]
    public async Task Deliver_GivenABurstOf100WithTransientFailures_ThenEachEndpointReceivesThemInFeedOrder()
    {
        var alarm = await CreateAsync(Alarm(repeat: true, actions: [_listener.Url("/ordered"), _listener.Url("/steady")]));
        var notifications = Enumerable.Range(0, 100).Select(_ => Notification()).ToArray();
        // Every third delivery fails its first attempt: a retried delivery must still arrive before the next one.
        var failing = notifications.Where((_, i) => i % 3 == 0).Select(n => EventId(n, alarm, _listener.Url("/ordered"))).ToHashSet();
        _listener.FailFirstAttempts("/ordered", failing.Contains);

        foreach (var batch in notifications.Chunk(10))
            await HandleAsync(batch);

        var sent = notifications.Select(n => n.MessageId).ToArray();
        Assert.Equal(sent, (await _listener.WaitForAcceptedAsync("/ordered", 100)).Select(MessageIdOf));
        Assert.Equal(sent, (await _listener.WaitForAcceptedAsync("/steady", 100)).Select(MessageIdOf));
        await _services.WhenIdleAsync();
        Assert.Equal(200, _services.Counters.Delivered);
        Assert.Equal(failing.Count, _services.Counters.Retried);
    }

    [Fact]
    public async Task Enqueue_GivenEightThreadsRacingOntoTwoEndpoints_ThenEveryDeliveryArrivesOnce_InEachThreadsOrder()
    {
        // The first caller to find an endpoint idle sends on its own thread; the others only queue. Whoever drains,
        // nothing may be lost between "queue empty" and "claim released", and each producer's order must hold.
        var endpoints = new[] { _listener.Url("/race-a"), _listener.Url("/race-b") };
        var start = new Barrier(8);
        var producers = Enumerable.Range(0, 8).Select(p => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < 50; i++)
            {
                foreach (var endpoint in endpoints)
                    Assert.True(_services.Dispatcher.Enqueue(new WebhookDelivery(endpoint, $"p{p}-{i:D2}", "{}"u8.ToArray(), "race")));
                if (i % 7 == 0)
                    Thread.Sleep(1); // let drains empty their queue and release it while the others still produce
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        await Task.WhenAll(producers);

        foreach (var path in new[] { "/race-a", "/race-b" })
        {
            var received = (await _listener.WaitForAcceptedAsync(path, 400)).Select(p => p.EventId).ToList();
            Assert.Equal(400, received.Distinct().Count());
            for (var p = 0; p < 8; p++)
            {
                var mine = received.Where(id => id.StartsWith($"p{p}-", StringComparison.Ordinal)).ToList();
                Assert.Equal(mine.Order(StringComparer.Ordinal), mine);
                Assert.Equal(50, mine.Count);
            }
        }
        await _services.WhenIdleAsync();
        Assert.Equal(0, _services.Dispatcher.Pending);
    }

    [Fact]
    public async Task Enqueue_FromInsideACallersContext_ThenTheDeliveryRunsInNoneOfIt()
    {
        // The POST may start on the caller's thread: the caller's context (an inspector request's trace, log scope,
        // AsyncLocals) must not follow this delivery, nor every later one the same drain sends.
        _listener.FailNext("/context", 400, times: 2);
        CollectedDeadLetters.Ambient.Value = "the caller's";
        using (var caller = new System.Diagnostics.Activity("inspector-request").Start())
        {
            Assert.True(_services.Dispatcher.Enqueue(new WebhookDelivery(_listener.Url("/context"), "ctx-1", "{}"u8.ToArray(), "context")));
            Assert.True(_services.Dispatcher.Enqueue(new WebhookDelivery(_listener.Url("/context"), "ctx-2", "{}"u8.ToArray(), "context")));
            Assert.Same(caller, System.Diagnostics.Activity.Current); // and the caller keeps its own
        }
        Assert.Equal("the caller's", CollectedDeadLetters.Ambient.Value);
        await _services.WhenIdleAsync();

        Assert.Equal(["ctx-1", "ctx-2"], _services.DeadLetters.Letters.Select(l => l.Delivery.EventId));
        Assert.Equal([null, null], _services.DeadLetters.AmbientSeen);
    }

    private static string EventId(NotificationEmitted notification, EventAlarm alarm, Uri endpoint) =>
        DeliveryIds.For(notification.MessageId, NotificationRouter.AlarmSubscriber(alarm.Id), endpoint).ToString();

    private static string MessageIdOf(ReceivedPost post) => post.Json["reason_data"]!["event"]!["message_id"]!.GetValue<string>();

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
