using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Notifications;
using Doctor.Workflows.Notifications.Bus;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace Doctor.Benchmarks.Bus;

/// <summary>
/// Bus figures for docs/benchmarks.md: notifications published to RabbitMQ per second with publisher confirms, through
/// Doctor's feed handler (<see cref="BusPublisher"/>: in feed order, one confirm at a time), through MassTransit with
/// many publishes in flight, and with RabbitMQ.Client alone (sequential and pipelined) as the floor and ceiling.
/// </summary>
public static class BusBenchmarks
{
    private const string EventType = "bench.bus";

    public static async Task<int> RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        var runs = quick ? 3 : 5;
        var messages = quick ? 500 : 2_000;
        var broker = Environment.GetEnvironmentVariable("DOCTOR_BENCH_RABBITMQ") is { Length: > 0 } b ? b
            : Environment.GetEnvironmentVariable("DOCTOR_TEST_RABBITMQ") is { Length: > 0 } t ? t
            : throw new InvalidOperationException("set DOCTOR_BENCH_RABBITMQ (or DOCTOR_TEST_RABBITMQ) to an AMQP URI: `tools/rabbitmq-node.sh start DIR` starts a private broker and prints it");

        await using var db = await BenchDatabase.CreateAsync();
        await EventStoreSchema.MigrateAsync(db.DataSource);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Doctor:RabbitMq"] = broker,
            ["Doctor:BusInspectorQueue"] = "doctor-inspector-bench",
        }).Build();
        var services = new ServiceCollection()
            .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .AddMetrics()
            .AddSingleton(db.DataSource)
            .AddDoctorBus(configuration)
            .BuildServiceProvider();
        await using var _ = services;
        var bus = services.GetRequiredService<IBusControl>();
        await bus.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        var publisher = services.GetRequiredService<BusPublisher>();

        // A queue that takes everything, like a consumer would: the broker must route and store each message.
        var factory = new ConnectionFactory { Uri = new Uri(broker) };
        await using var connection = await factory.CreateConnectionAsync();
        await using (var setup = await connection.CreateChannelAsync())
        {
            await setup.ExchangeDeclareAsync(BusTopology.Exchange, ExchangeType.Topic, durable: true, autoDelete: false);
            await setup.QueueDeclareAsync("doctor-bench-sink", durable: false, exclusive: false, autoDelete: false);
            await setup.QueueBindAsync("doctor-bench-sink", BusTopology.Exchange, "bench.#");
            await setup.QueuePurgeAsync("doctor-bench-sink");
        }

        Console.WriteLine($"# bus benchmarks — {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, .NET {Environment.Version}; load: {LoadAverage()}");
        var version = connection.ServerProperties is { } server && server.TryGetValue("version", out var versionValue) && versionValue is byte[] v ? Encoding.UTF8.GetString(v) : "?";
        Console.WriteLine($"broker: RabbitMQ {version} on {new Uri(broker).Host}:{new Uri(broker).Port}, publisher confirms on, one queue bound");
        Console.WriteLine($"runs per figure: {runs} after one warm-up, {messages:N0} messages (~300-byte maintenance.host body) per run; figures are median (min – max) messages/s");
        Console.WriteLine();
        Console.WriteLine("| publish path | in flight | messages/s |");
        Console.WriteLine("|---|---|---|");

        long seq = 0;
        var handler = Measure(runs, messages, async n =>
        {
            // Batches as the feed runner hands them (FeedBatchSize 500).
            var events = Enumerable.Range(0, n).Select(_ => Recorded(++seq)).ToList();
            foreach (var batch in events.Chunk(500))
                await publisher.HandleAsync(batch, CancellationToken.None);
        });
        Console.WriteLine($"| Doctor's feed handler (BusPublisher → MassTransit, feed order) | 1 | {(await handler).Summary("N0")} |");

        foreach (var inFlight in new[] { 16, 128 })
        {
            var concurrent = await Measure(runs, messages, n => InFlightAsync(n, inFlight, () => bus.Publish(Message())));
            Console.WriteLine($"| MassTransit IBus.Publish, no order kept | {inFlight} | {concurrent.Summary("N0")} |");
        }

        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var body = JsonSerializer.SerializeToUtf8Bytes(Message());
        var properties = new BasicProperties { ContentType = "application/json", DeliveryMode = DeliveryModes.Persistent };
        foreach (var inFlight in new[] { 1, 128 })
        {
            var raw = await Measure(runs, messages, n => InFlightAsync(n, inFlight,
                () => channel.BasicPublishAsync(BusTopology.Exchange, EventType, false, properties, body).AsTask()));
            Console.WriteLine($"| RabbitMQ.Client 7 BasicPublishAsync (baseline) | {inFlight} | {raw.Summary("N0")} |");
        }

        await using (var cleanup = await connection.CreateChannelAsync())
        {
            await cleanup.QueueDeleteAsync("doctor-bench-sink");
            await cleanup.QueueDeleteAsync("doctor-inspector-bench");
        }
        await bus.StopAsync();
        return 0;
    }

    private static async Task<Sample> Measure(int runs, int messages, Func<int, Task> run)
    {
        await run(Math.Max(100, messages / 4)); // warm-up
        var values = new List<double>(runs);
        for (var r = 0; r < runs; r++)
        {
            var watch = Stopwatch.StartNew();
            await run(messages);
            values.Add(messages / watch.Elapsed.TotalSeconds);
        }
        return new Sample(values);
    }

    private static async Task InFlightAsync(int total, int inFlight, Func<Task> publish)
    {
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= total)
                await publish();
        }));
    }

    private static BusNotification Message() => BusNotification.From(Notification());

    private static NotificationEmitted Notification() => new(Guid.NewGuid().ToString(), EventType, null, new JsonObject
    {
        ["service"] = "doctor",
        ["state"] = "IN_MAINTENANCE",
        ["session_id"] = "5b3c9c2e-5a77-4d4e-9a55-0d1a3c0f6a11",
        ["host"] = "compute-17",
        ["project_id"] = null,
    }, DateTimeOffset.UtcNow);

    private static RecordedEvent Recorded(long seq) => new(seq, Guid.NewGuid(), "bench", seq, NotificationEmitted.TypeName,
        JsonSerializer.Serialize(Notification()), EventMetadata.Engine("bench"), DateTimeOffset.UtcNow);

    private static string LoadAverage()
    {
        try
        {
            return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
