using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Infrastructure.Simulated;
using Doctor.Workflows.Maintenance;
using Microsoft.Extensions.DependencyInjection;

namespace Doctor.Benchmarks.Maintenance;

/// <summary>
/// Maintenance engine figures for docs/benchmarks.md, from the real service in-process on a durable PostgreSQL:
/// a rolling maintenance of many hosts in one session (wall time, events/s, engine step and transition percentiles)
/// and many concurrent sessions on disjoint hosts.
/// </summary>
public static class MaintenanceBenchmarks
{
    private const int Projects = 20;
    private static readonly TimeSpan Within = TimeSpan.FromMinutes(10);

    private static readonly string[] ValueOptions = ["--runs", "--hosts", "--instances", "--sessions", "--lead"];
    private static bool Timeline;
    private static int LeadSeconds;

    public static async Task<int> RunAsync(string[] args)
    {
        Timeline = args.Contains("--timeline");
        LeadSeconds = IntOption(args, "--lead") ?? 10;
        var quick = args.Contains("--quick");
        // Parts are the words that are neither options nor an option's value.
        var parts = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (i == 0 || !ValueOptions.Contains(args[i - 1]))).ToHashSet();
        bool Wanted(string part) => parts.Count == 0 || parts.Contains(part);
        var runs = IntOption(args, "--runs") ?? (quick ? 1 : 3);
        var hosts = IntOption(args, "--hosts") ?? (quick ? 20 : 100);
        var instances = IntOption(args, "--instances") ?? hosts * 10;
        var sessions = IntOption(args, "--sessions") ?? (quick ? 20 : 100);

        await using var server = await BenchServer.StartAsync();
        var settings = await server.DescribeAsync();
        if (!settings.Durable && !args.Contains("--allow-nondurable"))
        {
            Console.Error.WriteLine($"refusing to measure: the server is not durable ({settings}); pass --allow-nondurable to measure anyway");
            return 3;
        }
        Console.WriteLine($"# maintenance engine benchmarks — {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"machine: {Machine.Describe()}");
        Console.WriteLine($"server: {server.Origin}");
        Console.WriteLine($"settings: {settings}");
        Console.WriteLine("service: " + string.Join(", ", BenchDoctor.Settings("…").Where(s => s.Key != "Doctor:Postgres" && !s.Key.EndsWith("Directory", StringComparison.Ordinal)).Select(s => $"{s.Key}={s.Value}")));
        Console.WriteLine($"runs per figure: {runs}; each run on a fresh database and a freshly started service");
        Console.WriteLine();

        var failed = false;
        if (Wanted("rolling"))
        {
            var results = new List<RunResult>();
            for (var r = 0; r < runs; r++)
            {
                Machine.PrintLoad($"before rolling run {r + 1}");
                var result = await RollingAsync(server, hosts, instances);
                Machine.PrintLoad($"after rolling run {r + 1}");
                Console.WriteLine($"  run {r + 1}: {result.Line()}");
                failed |= !result.Succeeded;
                results.Add(result);
            }
            Console.WriteLine();
            Print($"one session, rolling maintenance of {hosts} hosts × {instances:N0} instances × {Projects} projects", results);
        }

        if (Wanted("concurrent"))
        {
            var results = new List<RunResult>();
            for (var r = 0; r < runs; r++)
            {
                Machine.PrintLoad($"before concurrent run {r + 1}");
                var result = await ConcurrentAsync(server, sessions);
                Machine.PrintLoad($"after concurrent run {r + 1}");
                Console.WriteLine($"  run {r + 1}: {result.Line()}");
                failed |= !result.Succeeded;
                results.Add(result);
            }
            Console.WriteLine();
            Print($"{sessions} concurrent sessions, 2 hosts × 4 instances each (disjoint), {sessions} spare hosts, {Projects} projects", results);
        }
        return failed ? 1 : 0;
    }

    private static int? IntOption(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : null;
    }

    private static void Print(string title, List<RunResult> results)
    {
        var steps = new Sample(results.SelectMany(r => r.EngineStepsMs).DefaultIfEmpty(double.NaN));
        var transitions = new Sample(results.SelectMany(r => r.TransitionsMs).DefaultIfEmpty(double.NaN));
        var roundTrips = new Sample(results.SelectMany(r => r.VnfmRoundTripsMs).DefaultIfEmpty(double.NaN));
        var deliveries = new Sample(results.SelectMany(r => r.DeliveryLatenciesMs).DefaultIfEmpty(double.NaN));
        Console.WriteLine($"| {title} | median (min – max) over {results.Count} runs |");
        Console.WriteLine("|---|---|");
        Console.WriteLine($"| wall time, first session created → last session done (s) | {new Sample(results.Select(r => r.Wall.TotalSeconds)).Summary("F1")} |");
        Console.WriteLine($"| of which after maintenance_at (s) | {new Sample(results.Select(r => r.AfterMaintenanceAt.TotalSeconds)).Summary("F1")} |");
        Console.WriteLine($"| events appended (session + notifications) | {new Sample(results.Select(r => (double)r.Events)).Summary("N0")} |");
        Console.WriteLine($"| events/s over the wall time after maintenance_at | {new Sample(results.Select(r => r.Events / r.AfterMaintenanceAt.TotalSeconds)).Summary("N0")} |");
        Console.WriteLine($"| hosts maintained / instance moves | {new Sample(results.Select(r => (double)r.HostsMaintained)).Summary("N0")} / {new Sample(results.Select(r => (double)r.InstanceMoves)).Summary("N0")} |");
        Console.WriteLine($"| session duration p50 / p99 (s) | {new Sample(results.Select(r => r.SessionSeconds.Percentile(50))).Summary("F1")} / {new Sample(results.Select(r => r.SessionSeconds.Percentile(99))).Summary("F1")} |");
        Console.WriteLine();
        Console.WriteLine($"| pooled over the {results.Count} runs | count | p50 ms | p99 ms | max ms |");
        Console.WriteLine("|---|---|---|---|---|");
        Console.WriteLine($"| state transition (engine, durable) | {results.Sum(r => r.TransitionsMs.Count):N0} | {transitions.Percentile(50):F2} | {transitions.Percentile(99):F2} | {transitions.Max:F2} |");
        Console.WriteLine($"| any engine step (durable append) | {results.Sum(r => r.EngineStepsMs.Count):N0} | {steps.Percentile(50):F2} | {steps.Percentile(99):F2} | {steps.Max:F2} |");
        Console.WriteLine($"| VNFM round trip: window opened → first reply | {results.Sum(r => r.VnfmRoundTripsMs.Count):N0} | {roundTrips.Percentile(50):F2} | {roundTrips.Percentile(99):F2} | {roundTrips.Max:F2} |");
        Console.WriteLine($"| webhook delivery: notification appended → received by the VNFM | {results.Sum(r => r.DeliveryLatenciesMs.Count):N0} | {deliveries.Percentile(50):F2} | {deliveries.Percentile(99):F2} | {deliveries.Max:F2} |");
        Console.WriteLine();
    }

    /// <summary>One session over every host: all hosts full, so it scales in (no-op), empties one, then rolls.</summary>
    private static async Task<RunResult> RollingAsync(BenchServer server, int hostCount, int instanceCount)
    {
        await using var db = await BenchDatabase.CreateAsync(server);
        await using var doctor = await BenchDoctor.StartAsync(db.ConnectionString);
        var perHost = (instanceCount + hostCount - 1) / hostCount;
        var hosts = Enumerable.Range(0, hostCount).Select(h => new SimulatedHostSeed($"compute-{h:D3}", perHost * 2)).ToList();
        var instances = Enumerable.Range(0, instanceCount)
            .Select(i => new SimulatedInstanceSeed($"vm-{i:D5}", $"vm-{i:D5}", hosts[i % hostCount].Name, Project(i), 1))
            .ToList();
        doctor.Cloud.Seed(hosts, instances);
        await using var vnfm = await InstantVnfm.StartAsync(doctor.Client);
        for (var p = 0; p < Projects; p++)
            await vnfm.SubscribeAsync(Project(p));

        var maintenanceAt = DateTimeOffset.UtcNow.AddSeconds(LeadSeconds);
        var sid = await OpenAsync(doctor.Client, [], maintenanceAt);
        var timeline = await WaitClosedAsync(doctor, sid);
        if (Timeline)
            foreach (var line in timeline.Describe())
                Console.WriteLine(line);
        return RunResult.From([timeline], maintenanceAt, vnfm);
    }

    /// <summary>
    /// Many sessions at once, each on its own two full hosts; spare hosts with far more room take the instances, so
    /// no session's instances ever land on another session's hosts (which would rightly stop that session).
    /// </summary>
    private static async Task<RunResult> ConcurrentAsync(BenchServer server, int sessionCount)
    {
        await using var db = await BenchDatabase.CreateAsync(server, maxPoolSize: 64);
        await using var doctor = await BenchDoctor.StartAsync(db.ConnectionString);
        var hosts = new List<SimulatedHostSeed>();
        var instances = new List<SimulatedInstanceSeed>();
        for (var s = 0; s < sessionCount; s++)
        {
            foreach (var side in new[] { "a", "b" })
            {
                var host = $"s{s:D3}-{side}";
                hosts.Add(new SimulatedHostSeed(host, 8));
                for (var k = 0; k < 4; k++)
                    instances.Add(new SimulatedInstanceSeed($"vm-{host}-{k}", $"vm-{host}-{k}", host, Project(instances.Count), 1));
            }
        }
        for (var s = 0; s < sessionCount; s++)
            hosts.Add(new SimulatedHostSeed($"spare-{s:D3}", 64));
        doctor.Cloud.Seed(hosts, instances);
        await using var vnfm = await InstantVnfm.StartAsync(doctor.Client);
        for (var p = 0; p < Projects; p++)
            await vnfm.SubscribeAsync(Project(p));

        var maintenanceAt = DateTimeOffset.UtcNow.AddSeconds(LeadSeconds * 2);
        var ids = await Task.WhenAll(Enumerable.Range(0, sessionCount).Select(s => OpenAsync(doctor.Client, [$"s{s:D3}-a", $"s{s:D3}-b"], maintenanceAt)));
        var timelines = await Task.WhenAll(ids.Select(id => WaitClosedAsync(doctor, id)));
        return RunResult.From(timelines, maintenanceAt, vnfm);
    }

    private static string Project(int i) => $"project-{i % Projects:D2}";

    private static async Task<string> OpenAsync(HttpClient client, string[] hosts, DateTimeOffset maintenanceAt)
    {
        var body = new JsonObject
        {
            ["hosts"] = new JsonArray(hosts.Select(h => (JsonNode?)JsonValue.Create(h)).ToArray()),
            ["state"] = "MAINTENANCE",
            ["maintenance_at"] = FenixTime.ToFenix(maintenanceAt),
            ["workflow"] = "default",
            ["metadata"] = new JsonObject { ["openstack_version"] = "Rocky" },
            ["actions"] = new JsonArray(new JsonObject { ["plugin"] = "dummy", ["type"] = "host", ["metadata"] = new JsonObject { ["duration_ms"] = 0 } }),
        };
        var response = await client.PostAsJsonAsync("/v1/maintenance", body);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"POST /v1/maintenance answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!["session_id"]!.GetValue<string>();
    }

    /// <summary>Polls the session's stream until it holds the closing event (done or failed).</summary>
    private static async Task<SessionTimeline> WaitClosedAsync(BenchDoctor doctor, string sessionId)
    {
        var store = doctor.Services.GetRequiredService<IEventStore>();
        var types = doctor.Services.GetRequiredService<EventTypeRegistry>();
        var clock = Stopwatch.StartNew();
        var closing = new[] { "maintenance.session_done.v1", "maintenance.session_failed.v1" };
        var seen = 0L;
        while (clock.Elapsed < Within)
        {
            await Task.Delay(250);
            var tail = await store.ReadStreamAsync("maintenance-" + sessionId, seen + 1);
            if (tail.Count > 0)
                seen = tail[^1].Version;
            if (tail.Any(e => closing.Contains(e.Type)))
                return await SessionTimeline.ReadAsync(store, types, sessionId);
        }
        throw new TimeoutException($"session {sessionId} did not close within {Within}");
    }
}
