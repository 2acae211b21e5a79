using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Doctor.Workflows.Infrastructure.Simulated;
using Npgsql;

namespace Doctor.Benchmarks.Faults;

/// <summary>
/// The fault fast path end to end on loopback: a monitor PUTs <c>compute.host.down</c>, consumers' Aodh event alarms
/// fire to a real webhook receiver; the time is taken from just before the PUT to each webhook's arrival. Also the
/// sustained durable ingest of the bulk API. Results go to docs/benchmarks.md, section "Fault fast path".
/// </summary>
public static class FaultBenchmarks
{
    private static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(300);
    private static readonly string[] Parts = ["one-host", "fresh-alarms", "many-hosts", "ingest", "floor", "cold"];

    public static async Task<int> RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        // Named parts only: the cold part's options have values (--processes 12). "cold" is left out of "all": it
        // publishes a build and starts ~100 service processes.
        var parts = args.Where(Parts.Contains).ToHashSet();
        var all = parts.Count == 0;
        Console.WriteLine($"# Fault fast path — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load: {Load()}");
        if (all || parts.Contains("one-host"))
            await OneHostAsync(runs: quick ? 20 : 200);
        if (all || parts.Contains("fresh-alarms"))
            await FreshAlarmsAsync(runs: quick ? 10 : 50);
        if (all || parts.Contains("many-hosts"))
            await ManyHostsAsync(runs: quick ? 2 : 10);
        if (all || parts.Contains("ingest"))
            await IngestAsync(TimeSpan.FromSeconds(quick ? 5 : 20));
        if (all || parts.Contains("floor"))
            await FloorBenchmarks.RunAsync(runs: quick ? 20 : 200);
        var exit = parts.Contains("cold") ? await ColdStartBenchmarks.RunAsync(args) : 0;
        Console.WriteLine($"load after: {Load()}");
        return exit;
    }

    /// <summary>One host with 100 VMs of 10 owners; an alarm per VM; p50/p99 of PUT → first and last webhook.</summary>
    private static async Task OneHostAsync(int runs)
    {
        await using var db = await BenchDatabase.CreateAsync();
        var cloud = Cloud(hosts: 1, vmsPerHost: 100, owners: 10);
        await using var consumer = await ConsumerListener.StartAsync();
        await using var service = DoctorService.Start(ConnectionString(db), cloud);
        foreach (var vm in await cloud.ListInstancesAsync())
            await CreateAlarmAsync(service.Client, vm.ProjectId, vm.Id, new Uri(consumer.BaseAddress, $"/failure/{vm.ProjectId}"));

        var first = new List<double>();
        var last = new List<double>();
        var each = new List<double>();
        var answered = new List<double>();
        var stages = new Dictionary<string, List<double>>();
        var gc = GcMark.Now();
        for (var run = -3; run < runs; run++) // three warm-up runs
        {
            if (run == 0)
                gc = GcMark.Now();
            var done = consumer.Expect(100);
            var t0 = Stopwatch.GetTimestamp();
            var answer = await PutAsync(service.Client, Events(["compute-0"], "compute.host.down"));
            var tAnswer = Stopwatch.GetTimestamp();
            await done.WaitAsync(TimeSpan.FromSeconds(60));
            var arrivals = consumer.Arrivals;
            if (run >= 0)
            {
                first.Add(Stopwatch.GetElapsedTime(t0, arrivals[0]).TotalMilliseconds);
                last.Add(Stopwatch.GetElapsedTime(t0, arrivals[^1]).TotalMilliseconds);
                each.AddRange(arrivals.Select(a => Stopwatch.GetElapsedTime(t0, a).TotalMilliseconds));
                answered.Add(Stopwatch.GetElapsedTime(t0, tAnswer).TotalMilliseconds);
            }
            await service.Inspector.WhenFencedAsync();
            if (run >= 0)
                await CollectStagesAsync(service.Client, answer, stages);
            await PutAsync(service.Client, Events(["compute-0"], "compute.host.up"));
            // Each run is one fault on a settled service, as a real host failure meets it: the recovery's own feed work
            // (its notifications read, its delivery outcomes stored) finishes before the next failure is reported.
            await Task.Delay(SettleTime);
        }
        Console.WriteLine();
        Console.WriteLine($"## One host, 100 VMs of 10 owners, an Aodh event alarm per VM ({runs} runs)");
        Console.WriteLine("| from monitor PUT to | p50 ms | p99 ms | max ms |");
        Console.WriteLine("|---|---|---|---|");
        Row("PUT answered (incident durable, notifications handed over)", new Sample(answered));
        Row($"each consumer webhook received (all {each.Count:N0})", new Sample(each));
        Row("first consumer webhook received", new Sample(first));
        Row("last (100th) consumer webhook received", new Sample(last));
        Console.WriteLine(gc.Since());
        PrintStages(stages);
    }

    /// <summary>
    /// The Doctor test as it is run: fresh alarms (one per VM, <c>repeat_actions</c> false, as Doctor's consumer makes
    /// them), then one fault. Every alarm leaves <c>insufficient data</c> for <c>alarm</c> on this fault, so the time
    /// includes storing those transitions, which the repeating alarms of the one-host case store only once.
    /// </summary>
    private static async Task FreshAlarmsAsync(int runs)
    {
        await using var db = await BenchDatabase.CreateAsync();
        var cloud = Cloud(hosts: 1, vmsPerHost: 100, owners: 10);
        await using var consumer = await ConsumerListener.StartAsync();
        await using var service = DoctorService.Start(ConnectionString(db), cloud);
        var vms = await cloud.ListInstancesAsync();

        var each = new List<double>();
        var last = new List<double>();
        var gc = GcMark.Now();
        for (var run = -2; run < runs; run++) // two warm-up runs
        {
            var alarms = new List<string>();
            foreach (var vm in vms)
                alarms.Add(await CreateAlarmAsync(service.Client, vm.ProjectId, vm.Id, new Uri(consumer.BaseAddress, $"/failure/{vm.ProjectId}"), repeatActions: false));
            await Task.Delay(SettleTime);
            if (run == 0)
                gc = GcMark.Now();
            var done = consumer.Expect(100);
            var t0 = Stopwatch.GetTimestamp();
            await PutAsync(service.Client, Events(["compute-0"], "compute.host.down"));
            await done.WaitAsync(TimeSpan.FromSeconds(60));
            var arrivals = consumer.Arrivals;
            if (run >= 0)
            {
                each.AddRange(arrivals.Select(a => Stopwatch.GetElapsedTime(t0, a).TotalMilliseconds));
                last.Add(Stopwatch.GetElapsedTime(t0, arrivals[^1]).TotalMilliseconds);
            }
            await service.Inspector.WhenFencedAsync();
            await PutAsync(service.Client, Events(["compute-0"], "compute.host.up"));
            foreach (var id in alarms)
                (await service.Client.DeleteAsync($"/v2/alarms/{id}")).EnsureSuccessStatusCode();
        }
        Console.WriteLine();
        Console.WriteLine($"## One host, 100 VMs of 10 owners, fresh alarms (repeat_actions false) before each fault ({runs} runs)");
        Console.WriteLine("| from monitor PUT to | p50 ms | p99 ms | max ms |");
        Console.WriteLine("|---|---|---|---|");
        Row($"each consumer webhook received (all {each.Count:N0})", new Sample(each));
        Row("last (100th) consumer webhook received", new Sample(last));
        Console.WriteLine(gc.Since());
    }

    /// <summary>100 hosts fail at once (one PUT of 100 events), 10,000 VMs of 100 owners: time until the last is notified.</summary>
    private static async Task ManyHostsAsync(int runs)
    {
        await using var db = await BenchDatabase.CreateAsync();
        var cloud = Cloud(hosts: 100, vmsPerHost: 100, owners: 100);
        await using var consumer = await ConsumerListener.StartAsync();
        await using var service = DoctorService.Start(ConnectionString(db), cloud);
        // One alarm per owner (state error, any of its instances): 10,000 firings as with one alarm per VM, faster to set up.
        for (var p = 0; p < 100; p++)
            await CreateAlarmAsync(service.Client, $"project-{p}", null, new Uri(consumer.BaseAddress, $"/failure/project-{p}"));
        var hosts = Enumerable.Range(0, 100).Select(h => $"compute-{h}").ToList();

        var last = new List<double>();
        var first = new List<double>();
        var answered = new List<double>();
        var stages = new Dictionary<string, List<double>>();
        var gc = GcMark.Now();
        // Three warm-up runs: the routing and sending code must be compiled at full optimisation, as in a service that has
        // been delivering notifications, not measured while the JIT still works on it beside the webhooks.
        for (var run = -3; run < runs; run++)
        {
            if (run == 0)
                gc = GcMark.Now();
            var done = consumer.Expect(10_000);
            var t0 = Stopwatch.GetTimestamp();
            var answer = await PutAsync(service.Client, Events(hosts, "compute.host.down"));
            var tAnswer = Stopwatch.GetTimestamp();
            await done.WaitAsync(TimeSpan.FromMinutes(5));
            var arrivals = consumer.Arrivals;
            if (run >= 0)
            {
                first.Add(Stopwatch.GetElapsedTime(t0, arrivals[0]).TotalMilliseconds);
                last.Add(Stopwatch.GetElapsedTime(t0, arrivals[^1]).TotalMilliseconds);
                answered.Add(Stopwatch.GetElapsedTime(t0, tAnswer).TotalMilliseconds);
            }
            await service.Inspector.WhenFencedAsync();
            if (run >= 0)
                await CollectStagesAsync(service.Client, answer, stages);
            await PutAsync(service.Client, Events(hosts, "compute.host.up"));
        }
        Console.WriteLine();
        Console.WriteLine($"## 100 hosts down at once, 10,000 VMs of 100 owners ({runs} runs)");
        Console.WriteLine("| from monitor PUT to | median ms (min – max) |");
        Console.WriteLine("|---|---|");
        Console.WriteLine($"| PUT answered | {new Sample(answered).Summary("F1")} |");
        Console.WriteLine($"| first webhook received | {new Sample(first).Summary("F1")} |");
        Console.WriteLine($"| last (10,000th) webhook received | {new Sample(last).Summary("F1")} |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\nlast webhook of each run, sorted (ms): {string.Join(", ", last.Order().Select(v => v.ToString("F0", CultureInfo.InvariantCulture)))}"));
        Console.WriteLine(gc.Since());
        PrintStages(stages);
    }

    /// <summary>Bulk PUTs of 500 record-only events from 4 concurrent monitors: durable events accepted per second.</summary>
    private static async Task IngestAsync(TimeSpan duration)
    {
        await using var db = await BenchDatabase.CreateAsync();
        var cloud = Cloud(hosts: 100, vmsPerHost: 1, owners: 1);
        await using var service = DoctorService.Start(ConnectionString(db), cloud);
        var hosts = Enumerable.Range(0, 100).Select(h => $"compute-{h}").ToList();
        var batch = Events(Enumerable.Range(0, 500).Select(i => hosts[i % 100]).ToList(), "compute.host.fan.warning");
        await PutAsync(service.Client, batch); // warm-up

        long accepted = 0;
        var stop = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var t0 = Stopwatch.GetTimestamp();
        var latencies = new List<double>();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            while (Stopwatch.GetTimestamp() < stop)
            {
                var t = Stopwatch.GetTimestamp();
                await PutAsync(service.Client, batch);
                lock (latencies)
                    latencies.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                Interlocked.Add(ref accepted, 500);
            }
        }));
        var elapsed = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        Console.WriteLine();
        Console.WriteLine($"## Sustained ingest: PUT of 500 record-only events × 4 concurrent monitors, {duration.TotalSeconds:F0} s");
        Console.WriteLine($"{accepted:N0} events in {elapsed:F1} s = **{accepted / elapsed:N0} events/s** (each PUT: one durable `fault.batch_recorded` event of 500 `fault.recorded` incidents); " +
                          $"PUT of 500: p50 {new Sample(latencies).Percentile(50):F1} ms, p99 {new Sample(latencies).Percentile(99):F1} ms");
        // The incident book keeps every open incident and the most recent others: memory must not follow the ingest.
        GC.Collect();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"after the ingest: {service.Book.Count:N0} incidents in memory ({service.Book.Evicted:N0} evicted), managed heap {GC.GetTotalMemory(forceFullCollection: true) / 1048576.0:F0} MB"));
    }

    private static void Row(string what, Sample s) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {what} | {s.Percentile(50):F2} | {s.Percentile(99):F2} | {s.Max:F2} |"));

    private static SimulatedCloud Cloud(int hosts, int vmsPerHost, int owners)
    {
        var cloud = new SimulatedCloud();
        var hostSeeds = Enumerable.Range(0, hosts).Select(h => new SimulatedHostSeed($"compute-{h}", vmsPerHost * 2)).ToList();
        var instances = new List<SimulatedInstanceSeed>();
        for (var h = 0; h < hosts; h++)
            for (var i = 0; i < vmsPerHost; i++)
                instances.Add(new SimulatedInstanceSeed($"vm-{h}-{i}", $"vm-{h}-{i}", $"compute-{h}", $"project-{i % owners}", 1));
        cloud.Seed(hostSeeds, instances);
        return cloud;
    }

    private static string Events(IReadOnlyList<string> hosts, string type)
    {
        var list = new JsonArray();
        var time = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.ffffff", CultureInfo.InvariantCulture);
        foreach (var host in hosts)
            list.Add(new JsonObject { ["id"] = "bench-monitor", ["time"] = time, ["type"] = type, ["details"] = new JsonObject { ["hostname"] = host, ["status"] = "down" } });
        return list.ToJsonString();
    }

    private static async Task<JsonNode> PutAsync(HttpClient client, string json)
    {
        using var response = await client.PutAsync("/v1/inspector/events", new StringContent(json, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"PUT /v1/inspector/events: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>The incident's profile stages (ms since receipt), to show where the time goes.</summary>
    private static async Task CollectStagesAsync(HttpClient client, JsonNode answer, Dictionary<string, List<double>> stages)
    {
        var id = answer["incidents"]![0]!["incident_id"]!.GetValue<string>();
        var profile = JsonNode.Parse(await client.GetStringAsync($"/v1/incidents/{id}/profile"))!;
        foreach (var stage in profile["stages"]!.AsArray())
        {
            var name = stage!["stage"]!.GetValue<string>();
            if (!stages.TryGetValue(name, out var list))
                stages[name] = list = [];
            list.Add(stage["since_received_ms"]!.GetValue<double>());
        }
    }

    private static void PrintStages(Dictionary<string, List<double>> stages)
    {
        Console.WriteLine();
        Console.WriteLine("Incident profile (server side, ms since receipt, p50 / p99):");
        Console.WriteLine("| stage | p50 ms | p99 ms |");
        Console.WriteLine("|---|---|---|");
        foreach (var (name, values) in stages.OrderBy(p => new Sample(p.Value).Median))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {new Sample(values).Percentile(50):F2} | {new Sample(values).Percentile(99):F2} |"));
    }

    private static async Task<string> CreateAlarmAsync(HttpClient client, string projectId, string? instanceId, Uri action, bool repeatActions = true)
    {
        var query = new JsonArray(new JsonObject { ["field"] = "traits.state", ["op"] = "eq", ["value"] = "error", ["type"] = "string" });
        if (instanceId is not null)
            query.Add(new JsonObject { ["field"] = "traits.instance_id", ["op"] = "eq", ["value"] = instanceId, ["type"] = "string" });
        var body = new JsonObject
        {
            ["name"] = $"doctor-{instanceId ?? projectId}", ["type"] = "event", ["project_id"] = projectId, ["repeat_actions"] = repeatActions,
            ["alarm_actions"] = new JsonArray(action.ToString()),
            ["event_rule"] = new JsonObject { ["event_type"] = "compute.instance.update", ["query"] = query },
        };
        using var response = await client.PostAsJsonAsync("/v2/alarms", body);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["alarm_id"]!.GetValue<string>();
    }

    private static string ConnectionString(BenchDatabase db) =>
        new NpgsqlConnectionStringBuilder(db.ConnectionString) { MaxPoolSize = 50 }.ConnectionString;

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    /// <summary>The process's collections and pause time so far: the service runs in this process, so its GC is this one.</summary>
    private readonly record struct GcMark(int Gen0, int Gen1, int Gen2, TimeSpan Pause)
    {
        public static GcMark Now() => new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());

        public string Since()
        {
            var now = Now();
            return string.Create(CultureInfo.InvariantCulture,
                $"\nGC during the measured runs ({(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}): {now.Gen0 - Gen0} gen0, {now.Gen1 - Gen1} gen1, {now.Gen2 - Gen2} gen2 collections, {(now.Pause - Pause).TotalMilliseconds:F0} ms paused in all.");
        }
    }
}
