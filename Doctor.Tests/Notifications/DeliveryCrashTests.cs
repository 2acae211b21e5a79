using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Doctor.Tests.Infrastructure;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Notifications;
using Doctor.Workflows.Notifications.Delivery;
using static Doctor.Tests.Notifications.AlarmExamples;

namespace Doctor.Tests.Notifications;

/// <summary>Durable delivery against the real thing: a service process killed with SIGKILL, consumers that are down.</summary>
public class DeliveryCrashTests
{
    private const int Notifications = 1_000;

    [Fact]
    public async Task ServiceKilledWhileAThousandDeliveriesArePending_AfterRestart_EveryOneArrives_DuplicatesShareTheEventId_SignaturesVerify()
    {
        await using var database = await TestDatabase.CreateAsync();
        var port = DoctorServerPort();
        var consumerPort = DoctorServerPort();
        var settings = new Dictionary<string, string>
        {
            // A consumer that is down for long must not turn everything into dead letters during the test.
            ["Doctor__Notifier__MaxAttempts"] = "100000",
            ["Doctor__Notifier__BaseDelayMs"] = "20",
            ["Doctor__Notifier__MaxDelayMs"] = "300",
            ["Doctor__Notifier__TimeoutMs"] = "2000",
        };
        var endpoint = $"http://127.0.0.1:{consumerPort}/crash";
        string secret;
        await using (var first = await DoctorProcess.StartAsync(database.ConnectionString, port, settings))
        {
            var alarm = await first.PostAsync("/v2/alarms", new
            {
                name = "crash",
                type = "event",
                event_rule = new { event_type = "crash.test" },
                alarm_actions = new[] { endpoint },
                repeat_actions = true,
            });
            secret = alarm["secret"]!.GetValue<string>();
            await AppendNotificationsAsync(database, "crash");
            // Killed once part of the deliveries are recorded (and none can be delivered: nothing listens yet).
            await WaitUntilAsync(async () => await CountAsync(database, "") >= Notifications / 3, "a third of the deliveries recorded");
            first.Kill();
        }
        Assert.True(await CountAsync(database, "WHERE status = 'delivered'") == 0);

        await using var second = await DoctorProcess.StartAsync(database.ConnectionString, port, settings);
        await using var consumer = await WebhookListener.StartAsync(consumerPort);

        var posts = await consumer.WaitForDistinctAsync("/crash", Notifications, TimeSpan.FromSeconds(180));
        var byMessage = posts.GroupBy(p => p.Json["reason_data"]!["event"]!["message_id"]!.GetValue<string>()).ToList();
        Assert.Equal(Notifications, byMessage.Count);
        Assert.All(byMessage, copies => Assert.Single(copies.Select(c => c.EventId).Distinct()));
        Assert.All(posts, p => Assert.True(WebhookSignature.Verify(secret, Encoding.UTF8.GetBytes(p.Body), p.Headers[WebhookSignature.Header])));
        await WaitUntilAsync(async () => await CountAsync(database, "WHERE status = 'delivered'") == Notifications, "every row delivered");
        var metrics = await second.Client.GetStringAsync("/metrics");
        Assert.Contains("doctor_notifier_deliveries_sent_total", metrics);
        Assert.Contains("doctor_notifier_deliveries_dead_lettered_total", metrics);
        Assert.Contains("doctor_notifier_queue_depth", metrics);
    }

    [Fact]
    public async Task NodeKilledWhileAThousandDeliveriesArePending_NotRestarted_ASecondLiveNodeDeliversEveryOne()
    {
        await using var database = await TestDatabase.CreateAsync();
        var consumerPort = DoctorServerPort();
        var settings = new Dictionary<string, string>
        {
            ["Doctor__Notifier__MaxAttempts"] = "100000",
            ["Doctor__Notifier__BaseDelayMs"] = "20",
            ["Doctor__Notifier__MaxDelayMs"] = "300",
            ["Doctor__Notifier__TimeoutMs"] = "2000",
            ["Doctor__Notifier__AdoptInterval"] = "00:00:01",
        };
        var endpoint = $"http://127.0.0.1:{consumerPort}/stranded";
        await using var a = await DoctorProcess.StartAsync(database.ConnectionString, DoctorServerPort(), settings);
        var alarm = await a.PostAsync("/v2/alarms", new
        {
            name = "stranded",
            type = "event",
            event_rule = new { event_type = "crash.test" },
            alarm_actions = new[] { endpoint },
            repeat_actions = true,
        });
        var secret = alarm["secret"]!.GetValue<string>();
        await AppendNotificationsAsync(database, "stranded");
        // A holds the notifier feed once it has recorded some; B, started now, waits for the feed and adopts nothing of a live A.
        await WaitUntilAsync(async () => await CountAsync(database, "") >= Notifications / 10, "a tenth of the deliveries recorded by A");
        await using var b = await DoctorProcess.StartAsync(database.ConnectionString, DoctorServerPort(), settings);
        var ofA = await CountAsync(database, "WHERE owner_node = (SELECT min(id) FROM doctor.notifier_nodes)");
        a.Kill();
        Assert.True(ofA >= Notifications / 10, $"A owned {ofA} rows");
        Assert.True(await CountAsync(database, "WHERE status = 'delivered'") == 0);

        await using var consumer = await WebhookListener.StartAsync(consumerPort);
        var posts = await consumer.WaitForDistinctAsync("/stranded", Notifications, TimeSpan.FromSeconds(180));
        var byMessage = posts.GroupBy(p => p.Json["reason_data"]!["event"]!["message_id"]!.GetValue<string>()).ToList();
        Assert.Equal(Notifications, byMessage.Count);
        Assert.All(byMessage, copies => Assert.Single(copies.Select(c => c.EventId).Distinct()));
        Assert.All(posts, p => Assert.True(WebhookSignature.Verify(secret, Encoding.UTF8.GetBytes(p.Body), p.Headers[WebhookSignature.Header])));
        await WaitUntilAsync(async () => await CountAsync(database, "WHERE status = 'delivered'") == Notifications, "every row delivered");
        Assert.Equal(0, await CountAsync(database, "WHERE owner_node = (SELECT min(id) FROM doctor.notifier_nodes)"));
        // B took A's rows over (A may have recorded more after the count above, never fewer).
        var metrics = await b.Client.GetStringAsync("/metrics");
        var adopted = System.Text.RegularExpressions.Regex.Match(metrics, @"^doctor_notifier_deliveries_adopted_total(\{[^}]*\})? (\d+)", System.Text.RegularExpressions.RegexOptions.Multiline);
        Assert.True(adopted.Success, metrics);
        Assert.True(long.Parse(adopted.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) >= ofA, adopted.Value);
    }

    [Fact]
    public async Task ConsumerDownForAWhile_ReceivesEverythingItMissed_InOrder_EachVerifiableBySignature()
    {
        await using var database = await TestDatabase.CreateAsync();
        await EventStoreSchema.MigrateAsync(database.DataSource);
        await using var services = AlarmServices.Create(database.DataSource, maxAttempts: 100_000, baseDelayMs: 10);
        var port = DoctorServerPort();
        var endpoint = new Uri($"http://127.0.0.1:{port}/missed");
        var alarm = Alarm(repeat: true, actions: endpoint);
        var secret = await services.Secrets.CreateAsync(NotificationRouter.AlarmSubscriber(alarm.Id));
        await services.Directory.CreateAsync(alarm);
        var notifications = Enumerable.Range(0, 200).Select(_ => Notification()).ToArray();

        foreach (var (batch, i) in notifications.Chunk(20).Select((b, i) => (b, i)))
            await services.Notifier.HandleAsync([.. batch.Select((n, j) => Recorded(n, i * 20 + j + 1))], CancellationToken.None);
        await WaitUntilAsync(() => Task.FromResult(services.Counters.Retried >= 5), "the consumer refused several attempts");
        await using var consumer = await WebhookListener.StartAsync(port);

        var posts = await consumer.WaitForDistinctAsync("/missed", notifications.Length, TimeSpan.FromSeconds(90));
        Assert.Equal(notifications.Select(n => n.MessageId), posts.Select(p => p.Json["reason_data"]!["event"]!["message_id"]!.GetValue<string>()));
        Assert.All(posts, p => Assert.True(WebhookSignature.Verify(secret, Encoding.UTF8.GetBytes(p.Body), p.Headers[WebhookSignature.Header])));
        Assert.All(posts, p => Assert.False(WebhookSignature.Verify("another secret", Encoding.UTF8.GetBytes(p.Body), p.Headers[WebhookSignature.Header])));
    }

    /// <summary>The notifications enter the store as the engine writes them: NotificationEmitted events, 10 per append.</summary>
    private static async Task AppendNotificationsAsync(TestDatabase database, string prefix)
    {
        var store = new PostgresEventStore(database.DataSource);
        for (var stream = 0; stream < Notifications / 10; stream++)
        {
            var events = Enumerable.Range(0, 10).Select(i => new EventToAppend(NotificationEmitted.TypeName,
                JsonSerializer.Serialize(new NotificationEmitted(Guid.NewGuid().ToString(), "crash.test", null,
                    new JsonObject { ["n"] = stream * 10 + i }, DateTimeOffset.UtcNow)))).ToList();
            await store.AppendAsync($"{prefix}-{stream}", "crash", ExpectedVersion.NoStream, events, EventMetadata.Engine("crash"));
        }
    }

    private static int DoctorServerPort() => Maintenance.DoctorServer.FreePort();

    private static async Task<long> CountAsync(TestDatabase database, string where)
    {
        try
        {
            await using var command = database.DataSource.CreateCommand($"SELECT count(*) FROM doctor.webhook_deliveries {where}");
            return (long)(await command.ExecuteScalarAsync())!;
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == "42P01")
        {
            return 0; // the service has not created its tables yet
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"waited 120 s for {what}");
            await Task.Delay(50);
        }
    }
}
