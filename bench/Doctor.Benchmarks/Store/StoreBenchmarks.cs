using System.Diagnostics;
using System.Globalization;
using Doctor.Workflows.EventStore;

namespace Doctor.Benchmarks.Store;

/// <summary>
/// Event store figures for docs/benchmarks.md: append throughput (batch 1 / 100, 1 / 4 writers), single-append
/// latency percentiles, and replay of a 100,000-event stream into typed records and a fold.
/// </summary>
public static class StoreBenchmarks
{
    private const string EventType = "bench.instance_marked_error.v1";
    private const int Streams = 1000;

    public static async Task<int> RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        var parts = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToHashSet();
        bool Wanted(string part) => parts.Count == 0 || parts.Contains(part);
        var runs = quick ? 3 : 5;

        await using var server = await BenchServer.StartAsync();
        var settings = await server.DescribeAsync();
        if (!settings.Durable && !args.Contains("--allow-nondurable"))
        {
            Console.Error.WriteLine($"refusing to measure: the server is not durable ({settings}); pass --allow-nondurable to measure anyway");
            return 3;
        }
        await using var db = await BenchDatabase.CreateAsync(server);
        await EventStoreSchema.MigrateAsync(db.DataSource);
        var store = new PostgresEventStore(db.DataSource);
        var registry = new EventTypeRegistry().Register<InstanceMarkedError>(EventType);

        Console.WriteLine($"# event store benchmarks — {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"machine: {Machine.Describe()}");
        Console.WriteLine($"server: {server.Origin}");
        Console.WriteLine($"settings: {settings}");
        Console.WriteLine($"runs per figure: {runs} after one warm-up; figures are median (min – max) over the runs");
        Console.WriteLine();

        if (Wanted("append"))
        {
            Machine.PrintLoad("before append");
            Console.WriteLine("| append throughput | writers | events per append | events per run | events/s | appends/s |");
            Console.WriteLine("|---|---|---|---|---|---|");
            foreach (var (writers, batch) in new[] { (1, 1), (4, 1), (1, 100), (4, 100) })
            {
                var events = (batch == 1 ? 2_000 : 20_000) / (quick ? 4 : 1);
                await AppendThroughputAsync(store, registry, writers, batch, events, "warm");
                var eventsPerSecond = await RepeatAsync(runs, r => AppendThroughputAsync(store, registry, writers, batch, events, $"r{r}"));
                var appendsPerSecond = new Sample(eventsPerSecond.Select(v => v / batch));
                Console.WriteLine($"| | {writers} | {batch} | {events:N0} | {new Sample(eventsPerSecond).Summary("N0")} | {appendsPerSecond.Summary("N0")} |");
            }
            Machine.PrintLoad("after append");
            Console.WriteLine();
        }

        if (Wanted("latency"))
        {
            Machine.PrintLoad("before latency");
            var samples = quick ? 500 : 2_000;
            await AppendLatencyAsync(store, registry, quick ? 200 : 500, "warm");
            var perRun = new List<Sample>();
            for (var r = 0; r < runs; r++)
            {
                perRun.Add(new Sample(await AppendLatencyAsync(store, registry, samples, $"lat{r}")));
            }
            Console.WriteLine($"| single-event append latency, 1 writer, {samples:N0} samples per run | ms |");
            Console.WriteLine("|---|---|");
            foreach (var p in new[] { 50.0, 95, 99, 99.9 })
            {
                Console.WriteLine($"| p{p.ToString(CultureInfo.InvariantCulture)} | {new Sample(perRun.Select(s => s.Percentile(p))).Summary("F2")} |");
            }
            Console.WriteLine($"| max | {new Sample(perRun.Select(s => s.Max)).Summary("F2")} |");
            Machine.PrintLoad("after latency");
            Console.WriteLine();
        }

        if (Wanted("replay"))
        {
            Machine.PrintLoad("before replay");
            var length = quick ? 20_000 : 100_000;
            var stream = await WriteReplayStreamAsync(store, registry, length);
            await ReplayAsync(store, registry, stream, length);
            await ReplayStreamedAsync(store, registry, stream, length);
            var results = new List<(double Total, double Read)>();
            var streamed = new List<double>();
            for (var r = 0; r < runs; r++)
            {
                results.Add(await ReplayAsync(store, registry, stream, length));
                streamed.Add(await ReplayStreamedAsync(store, registry, stream, length));
            }
            Console.WriteLine($"| replay of one {length:N0}-event stream | events/s |");
            Console.WriteLine("|---|---|");
            Console.WriteLine($"| EnumerateStreamAsync + deserialize + fold (overlapped) | {new Sample(streamed).Summary("N0")} |");
            Console.WriteLine($"| ReadStreamAsync (whole list) + deserialize + fold | {new Sample(results.Select(x => x.Total)).Summary("N0")} |");
            Console.WriteLine($"| ReadStreamAsync alone | {new Sample(results.Select(x => x.Read)).Summary("N0")} |");
            Machine.PrintLoad("after replay");
            Console.WriteLine();
        }
        return 0;
    }

    private static async Task<List<double>> RepeatAsync(int runs, Func<int, Task<double>> run)
    {
        var values = new List<double>(runs);
        for (var r = 0; r < runs; r++)
        {
            values.Add(await run(r));
        }
        return values;
    }

    private static EventToAppend NewEvent(EventTypeRegistry registry, int writer, int n) =>
        registry.Serialize(new InstanceMarkedError(
            $"inst-{writer:D2}-{n:D8}", $"compute-{n % 64:D3}", $"project-{n % 17:D2}", "host compute down: ping lost", n % 5, DateTimeOffset.UtcNow));

    /// <summary>Events per second for <paramref name="totalEvents"/> appended by <paramref name="writers"/> writers over 1,000 streams.</summary>
    private static async Task<double> AppendThroughputAsync(PostgresEventStore store, EventTypeRegistry registry, int writers, int batch, int totalEvents, string tag)
    {
        var appendsPerWriter = totalEvents / batch / writers;
        var streamsPerWriter = Streams / writers;
        // Bodies are serialised beforehand: this measures the store, not System.Text.Json.
        var work = Enumerable.Range(0, writers)
            .Select(w => Enumerable.Range(0, appendsPerWriter)
                .Select(k => Enumerable.Range(0, batch).Select(i => NewEvent(registry, w, k * batch + i)).ToArray())
                .ToArray())
            .ToArray();
        var metadata = EventMetadata.Engine("bench");

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var versions = new long[streamsPerWriter];
            for (var k = 0; k < appendsPerWriter; k++)
            {
                var s = k % streamsPerWriter;
                var result = await store.AppendAsync($"{tag}-w{writers}-b{batch}-{w}-{s}", "bench", ExpectedVersion.Exactly(versions[s]), work[w][k], metadata);
                versions[s] = result.StreamVersion;
            }
        })));
        clock.Stop();
        return writers * appendsPerWriter * batch / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Milliseconds per single-event append, one writer, each to the next of 1,000 streams.</summary>
    private static async Task<double[]> AppendLatencyAsync(PostgresEventStore store, EventTypeRegistry registry, int samples, string tag)
    {
        var versions = new long[Streams];
        var latencies = new double[samples];
        var metadata = EventMetadata.Engine("bench");
        for (var i = 0; i < samples; i++)
        {
            var s = i % Streams;
            EventToAppend[] events = [NewEvent(registry, 0, i)];
            var start = Stopwatch.GetTimestamp();
            var result = await store.AppendAsync($"{tag}-lat-{s}", "bench", ExpectedVersion.Exactly(versions[s]), events, metadata);
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            versions[s] = result.StreamVersion;
        }
        return latencies;
    }

    private static async Task<string> WriteReplayStreamAsync(PostgresEventStore store, EventTypeRegistry registry, int length)
    {
        var stream = "replay-" + Guid.NewGuid().ToString("N");
        var metadata = EventMetadata.Engine("bench");
        for (var written = 0; written < length; written += 1_000)
        {
            var events = Enumerable.Range(written, Math.Min(1_000, length - written)).Select(n => NewEvent(registry, 0, n)).ToArray();
            await store.AppendAsync(stream, "bench", ExpectedVersion.Exactly(written), events, metadata);
        }
        return stream;
    }

    /// <summary>Events per second for a rebuild that folds each event as it arrives.</summary>
    private static async Task<double> ReplayStreamedAsync(PostgresEventStore store, EventTypeRegistry registry, string stream, int length)
    {
        var clock = Stopwatch.StartNew();
        var state = default(ReplayState);
        await foreach (var recorded in store.EnumerateStreamAsync(stream))
        {
            state = state.Evolve((InstanceMarkedError)registry.Deserialize(recorded));
        }
        clock.Stop();
        if (state.Count != length)
        {
            throw new InvalidOperationException($"replay folded {state.Count} events, expected {length}");
        }
        return length / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Events per second for the whole rebuild, and for the read alone.</summary>
    private static async Task<(double Total, double Read)> ReplayAsync(PostgresEventStore store, EventTypeRegistry registry, string stream, int length)
    {
        var clock = Stopwatch.StartNew();
        var events = await store.ReadStreamAsync(stream);
        var read = clock.Elapsed;
        var state = default(ReplayState);
        foreach (var recorded in events)
        {
            state = state.Evolve((InstanceMarkedError)registry.Deserialize(recorded));
        }
        clock.Stop();
        if (state.Count != length)
        {
            throw new InvalidOperationException($"replay folded {state.Count} events, expected {length}");
        }
        return (length / clock.Elapsed.TotalSeconds, length / read.TotalSeconds);
    }
}
