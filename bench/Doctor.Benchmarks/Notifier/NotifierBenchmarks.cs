using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Notifications;
using Doctor.Workflows.Notifications.Alarms;
using Doctor.Workflows.Notifications.Delivery;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Doctor.Benchmarks.Notifier;

/// <summary>
/// Notifier figures for docs/benchmarks.md:
/// <list type="bullet">
/// <item><c>fanout</c>: webhooks/s from the feed handler to 100 loopback endpoints — evaluation, durable recording of
/// every delivery, signing, POST, and the batched outcome writes all included (the clock stops when every outcome is stored).</item>
/// <item><c>latency</c>: event append → first byte of the webhook at the receiver, open loop at 100 and 1,000
/// notifications/s, through the feed (LISTEN/NOTIFY wake-up) and through the fast lane (<see cref="INotificationShortcut"/>).</item>
/// </list>
/// </summary>
public static class NotifierBenchmarks
{
    private const string EventType = "bench.notification";

    public static async Task<int> RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        var parts = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToHashSet();
        bool Wanted(string part) => parts.Count == 0 || parts.Contains(part);
        var runs = quick ? 3 : 5;

        Console.WriteLine($"# notifier benchmarks — {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, .NET {Environment.Version}");
        Console.WriteLine($"load before: {LoadAverage()}");
        Console.WriteLine($"runs per figure: {runs} after one warm-up; figures are median (min – max)");
        Console.WriteLine();

        if (Wanted("fanout"))
            await FanOutAsync(runs, quick);
        if (Wanted("latency"))
            await LatencyAsync(runs, quick);
        Console.WriteLine($"load after: {LoadAverage()}");
        return 0;
    }

    private static async Task FanOutAsync(int runs, bool quick)
    {
        const int endpoints = 100;
        var notifications = quick ? 50 : 100;
        await using var db = await BenchDatabase.CreateAsync();
        await EventStoreSchema.MigrateAsync(db.DataSource);
        await using var receiver = await BenchReceiver.StartAsync(readBodies: false);
        await using var services = Services(db, feed: false);
        var alarm = await CreateAlarmAsync(services, [.. Enumerable.Range(0, endpoints).Select(i => new Uri(receiver.BaseAddress, $"/e{i}"))]);
        var notifier = services.GetRequiredService<AlarmNotifier>();
        var dispatcher = services.GetRequiredService<WebhookDispatcher>();
        long seq = 0;

        async Task<double> RunOnceAsync()
        {
            receiver.Reset();
            var batch = Enumerable.Range(0, notifications).Select(_ => Recorded(Notification(), ++seq)).ToList();
            var started = Stopwatch.GetTimestamp();
            // The feed hands batches of up to 100 events; here: one batch = 100 notifications × 100 endpoints.
            await notifier.HandleAsync(batch, CancellationToken.None);
            await dispatcher.WhenIdleAsync();
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            if (receiver.Received < (long)notifications * endpoints)
                throw new InvalidOperationException($"only {receiver.Received} webhooks arrived");
            return notifications * endpoints / seconds;
        }

        await RunOnceAsync();
        var rates = new List<double>();
        for (var r = 0; r < runs; r++)
            rates.Add(await RunOnceAsync());
        Console.WriteLine("| webhook fan-out (feed handler → durable rows → POST → outcome stored) | endpoints | webhooks per run | webhooks/s |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine($"| alarm with {endpoints} alarm_actions, {notifications} notifications per batch | {endpoints} | {notifications * endpoints:N0} | {new Sample(rates).Summary("N0")} |");
        Console.WriteLine();
        _ = alarm;
    }

    private static async Task LatencyAsync(int runs, bool quick)
    {
        Console.WriteLine("| append → webhook received | rate (notifications/s) | samples per run | p50 ms | p99 ms | max ms |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var fastLane in new[] { false, true })
        {
            foreach (var rate in new[] { 100, 1_000 })
            {
                var seconds = quick ? 2 : 5;
                await using var db = await BenchDatabase.CreateAsync();
                await EventStoreSchema.MigrateAsync(db.DataSource);
                await using var receiver = await BenchReceiver.StartAsync(readBodies: true);
                await using var services = Services(db, feed: true);
                await CreateAlarmAsync(services, [new Uri(receiver.BaseAddress, "/latency")]);
                var runner = services.GetRequiredService<EventFeedRunner>();
                await runner.StartAsync(CancellationToken.None);
                try
                {
                    var store = services.GetRequiredService<IEventStore>();
                    var shortcut = fastLane ? services.GetRequiredService<INotificationShortcut>() : null;
                    await OpenLoopAsync(store, shortcut, receiver, rate, 1, "warm");
                    var perRun = new List<Sample>();
                    for (var r = 0; r < runs; r++)
                        perRun.Add(await OpenLoopAsync(store, shortcut, receiver, rate, seconds, $"r{r}"));
                    var path = fastLane ? "fast lane (append, then DeliverNowAsync)" : "feed (LISTEN/NOTIFY wake-up)";
                    Console.WriteLine($"| {path} | {rate:N0} | {perRun[0].Count:N0} | {new Sample(perRun.Select(s => s.Median)).Summary("F2")} | {new Sample(perRun.Select(s => s.Percentile(99))).Summary("F2")} | {new Sample(perRun.Select(s => s.Max)).Summary("F2")} |");
                }
                finally
                {
                    await runner.StopAsync(CancellationToken.None);
                }
            }
        }
        Console.WriteLine();
    }

    /// <summary>Appends <paramref name="rate"/> notifications per second for <paramref name="seconds"/> s, on schedule whatever the answers; latencies in ms.</summary>
    private static async Task<Sample> OpenLoopAsync(IEventStore store, INotificationShortcut? shortcut, BenchReceiver receiver, int rate, int seconds, string tag)
    {
        receiver.Reset();
        var total = rate * seconds;
        var sent = new (string MessageId, long At)[total];
        var appends = new List<Task>(total);
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < total; i++)
        {
            var due = started + (long)(i * (double)Stopwatch.Frequency / rate);
            while (Stopwatch.GetTimestamp() < due)
                await Task.Delay(1);
            var notification = Notification();
            sent[i] = (notification.MessageId, Stopwatch.GetTimestamp());
            appends.Add(AppendAsync(store, shortcut, notification, $"bench-{tag}-{i}"));
        }
        await Task.WhenAll(appends);
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (receiver.Arrivals.Count < total)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{receiver.Arrivals.Count} of {total} webhooks arrived");
            await Task.Delay(10);
        }
        return new Sample(sent.Select(s => Stopwatch.GetElapsedTime(s.At, receiver.Arrivals[s.MessageId]).TotalMilliseconds));
    }

    private static async Task AppendAsync(IEventStore store, INotificationShortcut? shortcut, NotificationEmitted notification, string stream)
    {
        var data = JsonSerializer.Serialize(notification);
        var id = Guid.NewGuid();
        var result = await store.AppendAsync(stream, "bench", ExpectedVersion.NoStream, [new EventToAppend(NotificationEmitted.TypeName, data, id)], EventMetadata.Engine("bench"));
        if (shortcut is not null)
            await shortcut.DeliverNowAsync([new RecordedEvent(result.FirstSeq, id, stream, 1, NotificationEmitted.TypeName, data, EventMetadata.Engine("bench"), DateTimeOffset.UtcNow)], CancellationToken.None);
    }

    private static ServiceProvider Services(BenchDatabase db, bool feed)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Doctor:Notifier:MaxAttempts"] = "3",
            ["Doctor:Notifier:BaseDelayMs"] = "10",
        }).Build();
        var services = new ServiceCollection()
            .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole())
            .AddSingleton(db.DataSource);
        if (feed)
            services.AddDoctorEventStore();
        services.AddAodhAlarms(configuration);
        return services.BuildServiceProvider();
    }

    private static async Task<EventAlarm> CreateAlarmAsync(IServiceProvider services, IReadOnlyList<Uri> actions)
    {
        EventTypePattern.TryParse(EventType, out var pattern);
        var now = DateTimeOffset.UtcNow;
        var alarm = new EventAlarm
        {
            Id = Guid.NewGuid(),
            Name = "bench",
            ProjectId = null,
            EventType = pattern!,
            AlarmActions = actions,
            RepeatActions = true,
            Description = "bench",
            Status = AlarmStatus.Initial(now),
            CreatedAt = now,
        };
        await services.GetRequiredService<WebhookSecrets>().CreateAsync(NotificationRouter.AlarmSubscriber(alarm.Id));
        await services.GetRequiredService<AlarmDirectory>().CreateAsync(alarm);
        return alarm;
    }

    private static NotificationEmitted Notification() =>
        new(Guid.NewGuid().ToString(), EventType, "bench-project", new JsonObject { ["host"] = "compute-1", ["state"] = "error" }, DateTimeOffset.UtcNow);

    private static RecordedEvent Recorded(NotificationEmitted notification, long seq) =>
        new(seq, Guid.NewGuid(), "bench", seq, NotificationEmitted.TypeName, JsonSerializer.Serialize(notification), EventMetadata.Engine("bench"), DateTimeOffset.UtcNow);

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Trim();
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
