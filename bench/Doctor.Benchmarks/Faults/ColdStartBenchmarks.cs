using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Doctor.Benchmarks.Faults;

/// <summary>
/// <c>faults cold</c>: the first fault a freshly started service process meets, as OPNFV Doctor's fault test meets it
/// after a deployment or a restart. Every measured run starts a new <c>dotnet Doctor.AdminApi.dll</c> on a new
/// database, sets the test up over HTTP, takes one <c>compute.host.down</c> (cold), then recovers, re-arms and faults
/// again a few times in the same process (warm), and kills it. Variants (build, runtime environment) are interleaved.
/// Results go to docs/benchmarks.md, section "Cold start".
/// </summary>
public static class ColdStartBenchmarks
{
    // As fresh-alarms: the alarms' own background work is done before the fault, which then meets a quiet service.
    private static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan HealthyWithin = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan WebhooksWithin = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(string[] args)
    {
        if (Options.TryParse(args, out var problem) is not { } options)
        {
            Console.Error.WriteLine(problem);
            return 2;
        }
        var root = RepositoryRoot();
        var build = Path.GetRelativePath(Path.Combine(root, "bench", "Doctor.Benchmarks"), AppContext.BaseDirectory);
        var plainDll = Path.Combine(root, "Doctor.AdminApi", build, "Doctor.AdminApi.dll");
        if (!File.Exists(plainDll))
        {
            Console.Error.WriteLine($"{plainDll} does not exist: run the benchmark with `dotnet run -c Release --project bench/Doctor.Benchmarks`, which builds it");
            return 2;
        }

        Console.WriteLine();
        Console.WriteLine("## Cold start: the first fault on a freshly started service process");
        Console.WriteLine($"machine: {Machine.Describe()}");
        Machine.PrintLoad("before");
        Console.WriteLine($"server: {await ServerSettings.ReadAsync(BenchDatabase.ConfiguredServer())}");
        if (!build.Contains("Release", StringComparison.OrdinalIgnoreCase))
            Console.WriteLine($"!!! the service build is {build}, not Release: these are not the figures of the shipped build");

        var variants = options.Variants.ToList();
        using var readyToRun = variants.Any(v => v.ReadyToRun) ? await ReadyToRunAsync(root, options.ReadyToRunDirectory) : null;
        if (readyToRun is null && variants.Any(v => v.ReadyToRun))
        {
            Console.WriteLine($"!!! ReadyToRun variant(s) SKIPPED, no ReadyToRun build (see above): {string.Join(", ", variants.Where(v => v.ReadyToRun).Select(v => v.Name))}");
            variants.RemoveAll(v => v.ReadyToRun);
        }
        if (variants.Count == 0)
        {
            Console.Error.WriteLine("no variant left to measure");
            return 1;
        }

        var common = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_NOLOGO"] = "1",
            // The monitor and consumers of the benchmark are trusted loopback peers: no tokens on the measured path.
            ["Doctor__Auth__Mode"] = "none",
            ["Doctor__Simulated__Topology"] = "empty",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in options.Environment)
            common[key] = value;
        var withheld = Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(DoctorProcess.IsWithheld).Order().ToList();
        Console.WriteLine($"service: `dotnet <build>/Doctor.AdminApi.dll --urls http://127.0.0.1:<free port>`, a new database per process, environment: "
                          + string.Join(' ', common.Select(e => $"{e.Key}={e.Value}")) + " Doctor__Postgres=<its database>");
        if (withheld.Count > 0)
            Console.WriteLine($"not passed on from this environment: {string.Join(", ", withheld)}");
        Console.WriteLine($"plain build: {Path.GetDirectoryName(plainDll)}");
        Console.WriteLine("| variant | service | environment |");
        Console.WriteLine("|---|---|---|");
        foreach (var v in variants)
            Console.WriteLine($"| {v.Name} | {(v.ReadyToRun ? "ReadyToRun publish" : "plain Release build")} | {(v.Environment.Count == 0 ? "–" : string.Join(' ', v.Environment.Select(e => $"{e.Key}={e.Value}")))} |");

        if (options.JitCounts)
            Console.WriteLine("!!! --jit-counts: the JIT writes a line per method it compiles (DOTNET_JitDisasmSummary): read the counts, not the times");
        await using var consumer = await ConsumerListener.StartAsync();
        string DllOf(ServiceVariant v) => v.ReadyToRun ? readyToRun!.Dll : plainDll;
        Dictionary<string, string> EnvironmentOf(ServiceVariant v)
        {
            var environment = new Dictionary<string, string>(common);
            foreach (var (key, value) in v.Environment)
                environment[key] = value;
            return environment;
        }

        // One unmeasured process per variant first: the page cache then holds every variant's files, and the benchmark's
        // own code (its HTTP client, the consumer listener) is warm when the first measured process meets its fault.
        var primed = Stopwatch.GetTimestamp();
        foreach (var v in variants)
        {
            try
            {
                await RunProcessAsync(v.Name, DllOf(v), EnvironmentOf(v), options.Vms[0], warmFaults: 0, consumer);
            }
            catch (Exception e) when (IsRunFailure(e))
            {
                Console.Error.WriteLine($"!!! the unmeasured first process of {v.Name} FAILED, nothing measured: {e.Message}");
                return 1;
            }
        }
        Console.WriteLine($"primed: one unmeasured process per variant in {Stopwatch.GetElapsedTime(primed).TotalSeconds:F1} s");

        var runs = new List<ColdRun>();
        var failures = new List<(string Variant, int Vms)>();
        var started = Stopwatch.GetTimestamp();
        for (var round = 1; round <= options.Processes; round++)
        {
            foreach (var vms in options.Vms)
            {
                foreach (var v in variants)
                {
                    try
                    {
                        var run = await RunProcessAsync(v.Name, DllOf(v), EnvironmentOf(v), vms, options.WarmFaults, consumer, options.JitCounts);
                        runs.Add(run);
                        var warm = run.Warm.Count > 0 ? new Sample(run.Warm.Select(w => w.LastMs)).Median.ToString("F1", CultureInfo.InvariantCulture) : "–";
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"  [{round}/{options.Processes}] {vms,3} VMs {v.Name,-14} healthy {run.StartToHealthyMs,6:F0} ms, cold first {run.Cold.FirstMs,7:F1} last {run.Cold.LastMs,7:F1} ms, warm last p50 {warm,6} ms"));
                    }
                    catch (Exception e) when (IsRunFailure(e))
                    {
                        failures.Add((v.Name, vms));
                        Console.WriteLine($"  [{round}/{options.Processes}] {vms,3} VMs {v.Name,-14} FAILED: {e.Message}");
                    }
                }
            }
        }
        Console.WriteLine($"measured {runs.Count} processes in {Stopwatch.GetElapsedTime(started).TotalMinutes:F1} min" + (failures.Count > 0 ? $", {failures.Count} FAILED" : ""));

        foreach (var vms in options.Vms)
            PrintScenario(vms, variants, runs.Where(r => r.Vms == vms).ToList(), failures.Count(f => f.Vms == vms), options);
        var recoveryWebhooks = runs.Sum(r => r.RecoveryWebhooks);
        Console.WriteLine();
        Console.WriteLine($"webhooks during the recoveries (compute.host.up matches none of the alarms, so 0 expected): {recoveryWebhooks}");
        Machine.PrintLoad("after");
        return failures.Count == 0 ? 0 : 1;
    }

    /// <summary>One fresh process: start, the Doctor test's set-up, the first fault, then <paramref name="warmFaults"/> more.</summary>
    private static async Task<ColdRun> RunProcessAsync(string variant, string dll, Dictionary<string, string> environment, int vms, int warmFaults,
        ConsumerListener consumer, bool jitCounts = false)
    {
        await using var db = await BenchDatabase.CreateAsync();
        environment["Doctor__Postgres"] = new NpgsqlConnectionStringBuilder(db.ConnectionString) { MaxPoolSize = 50 }.ConnectionString;
        await using var service = await DoctorProcess.StartAsync(dll, environment, HealthyWithin, jitCounts);
        try
        {
            var tested = await DoctorFaultTest.SeedAsync(service.Client, vms, Owners(vms));
            var alarms = await DoctorFaultTest.CreateAlarmsAsync(service.Client, tested, consumer.BaseAddress);
            await Task.Delay(SettleTime);
            var cold = await FaultAsync(service, consumer, vms);
            var warm = new List<FaultTiming>();
            var recoveryWebhooks = 0;
            var last = cold;
            for (var i = 0; i < warmFaults; i++)
            {
                recoveryWebhooks += await RecoverAsync(service, consumer, last.IncidentId);
                // Re-armed as Doctor's test re-arms: alarms without repeat_actions stay in `alarm`, so new ones are made.
                await DoctorFaultTest.DeleteAlarmsAsync(service.Client, alarms);
                alarms = await DoctorFaultTest.CreateAlarmsAsync(service.Client, tested, consumer.BaseAddress);
                await Task.Delay(SettleTime);
                last = await FaultAsync(service, consumer, vms);
                warm.Add(last);
            }
            return new ColdRun(variant, vms, service.StartToHealthy.TotalMilliseconds, cold, warm, recoveryWebhooks);
        }
        catch (Exception e) when (IsRunFailure(e))
        {
            service.KeepLog = true;
            throw new InvalidOperationException($"{e.Message} (service log kept: {service.LogPath})", e);
        }
    }

    /// <summary>The monitor's report, timed from just before the PUT to the first and the last consumer webhook.</summary>
    private static async Task<FaultTiming> FaultAsync(DoctorProcess service, ConsumerListener consumer, int expected)
    {
        var body = DoctorFaultTest.MonitorReport(DoctorFaultTest.FailedHost, "compute.host.down");
        var done = consumer.Expect(expected);
        var jit0 = service.JitSummaryPath is null ? 0 : service.JitSummary().Length;
        var cpu0 = service.CpuTime;
        var t0 = Stopwatch.GetTimestamp();
        var answer = await DoctorFaultTest.ReportAsync(service.Client, body);
        var answered = Stopwatch.GetTimestamp();
        try
        {
            await done.WaitAsync(WebhooksWithin);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{consumer.Arrivals.Length} of {expected} webhooks arrived within {WebhooksWithin.TotalSeconds:F0} s");
        }
        var cpu = (service.CpuTime - cpu0).TotalMilliseconds;
        var arrivals = consumer.Arrivals;
        var jit = service.JitSummaryPath is null ? null : JitCounts.Of(service.JitSummary().Skip(jit0));
        var incidentId = answer["incidents"]![0]!["incident_id"]!.GetValue<string>();
        await DoctorFaultTest.WhenFencedAsync(service.Client, incidentId);
        var stages = await DoctorFaultTest.StagesAsync(service.Client, incidentId);
        return new FaultTiming(incidentId, Ms(t0, answered), Ms(t0, arrivals[0]), Ms(t0, arrivals[^1]), cpu, stages, jit);
    }

    /// <summary><c>compute.host.up</c>, the incident resolved, and quiet at the consumer for the settle time; returns the webhooks that came.</summary>
    private static async Task<int> RecoverAsync(DoctorProcess service, ConsumerListener consumer, string incidentId)
    {
        _ = consumer.Expect(int.MaxValue);
        await DoctorFaultTest.ReportAsync(service.Client, DoctorFaultTest.MonitorReport(DoctorFaultTest.FailedHost, "compute.host.up"));
        await DoctorFaultTest.WhenResolvedAsync(service.Client, incidentId);
        var seen = -1;
        for (var quiet = 0; quiet < 30 && consumer.Arrivals.Length != seen; quiet++)
        {
            seen = consumer.Arrivals.Length;
            await Task.Delay(SettleTime);
        }
        if (consumer.Arrivals.Length > 0)
            Console.WriteLine($"  recovery of {incidentId}: {consumer.Arrivals.Length} webhook(s), {consumer.Repeated} of them repeating an earlier delivery's event id");
        return consumer.Arrivals.Length;
    }

    private static void PrintScenario(int vms, IReadOnlyList<ServiceVariant> variants, List<ColdRun> runs, int failed, Options options)
    {
        var owners = Owners(vms);
        Console.WriteLine();
        Console.WriteLine($"### compute-0 with {vms} VMs of {owners} project{(owners == 1 ? "" : "s")}, an alarm per VM: "
                          + $"{options.Processes} processes per variant, {options.WarmFaults} warm faults in each after its first");
        Console.WriteLine("| variant | cold last p50 ms | p99 | min | max | cold first p50 | warm last p50 | start-to-healthy p50 |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var v in variants)
        {
            var mine = runs.Where(r => r.Variant == v.Name).ToList();
            if (mine.Count == 0)
            {
                Console.WriteLine($"| {v.Name} | no run succeeded | | | | | | |");
                continue;
            }
            var last = new Sample(mine.Select(r => r.Cold.LastMs));
            var warm = mine.SelectMany(r => r.Warm).Select(w => w.LastMs).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {v.Name} | **{last.Median:F1}** | {last.Percentile(99):F1} | {last.Min:F1} | {last.Max:F1} | {new Sample(mine.Select(r => r.Cold.FirstMs)).Median:F1} | "
                + $"{(warm.Count > 0 ? new Sample(warm).Median.ToString("F1", CultureInfo.InvariantCulture) : "–")} | {new Sample(mine.Select(r => r.StartToHealthyMs)).Median:F0} |"));
        }
        if (failed > 0)
            Console.WriteLine($"!!! {failed} process(es) of this scenario FAILED and are not in the table");
        Console.WriteLine();
        Console.WriteLine("cold last webhook of each process, sorted (ms):");
        foreach (var v in variants)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"- {v.Name}: {string.Join(", ", runs.Where(r => r.Variant == v.Name).Select(r => r.Cold.LastMs).Order().Select(ms => ms.ToString("F0", CultureInfo.InvariantCulture)))}"));

        // Where the first fault's time goes: the client's view of the PUT, the service's CPU, and its own stage marks.
        Console.WriteLine();
        Console.WriteLine("p50 cold / warm, ms (stages: the incident profile, server side, ms since receipt):");
        Console.WriteLine("| | " + string.Join(" | ", variants.Select(v => v.Name)) + " |");
        Console.WriteLine("|---|" + string.Concat(variants.Select(_ => "---|")));
        PrintRow("PUT answered (from the PUT)", variants, runs, t => t.AnsweredMs);
        PrintRow("service CPU, PUT → last webhook (10 ms ticks)", variants, runs, t => t.CpuMs);
        if (options.JitCounts)
        {
            PrintRow("methods JIT-compiled, PUT → last webhook: tier 0", variants, runs, t => t.Jit?.Tier0 ?? double.NaN, "F0");
            PrintRow("… tier 1 (hot ones again)", variants, runs, t => t.Jit?.Tier1 ?? double.NaN, "F0");
            PrintRow("… other (full opts, OSR)", variants, runs, t => t.Jit?.Other ?? double.NaN, "F0");
        }
        var stages = runs.SelectMany(r => r.Cold.Stages.Keys).Distinct()
            .OrderBy(s => new Sample(runs.Select(r => r.Cold.Stages.GetValueOrDefault(s, double.MaxValue))).Median).ToList();
        foreach (var stage in stages)
            PrintRow($"stage {stage}", variants, runs, t => t.Stages.GetValueOrDefault(stage, double.NaN));
    }

    private static void PrintRow(string what, IReadOnlyList<ServiceVariant> variants, List<ColdRun> runs, Func<FaultTiming, double> value, string format = "F1")
    {
        string Median(IEnumerable<double> values) => values.Where(v => !double.IsNaN(v)).ToList() is { Count: > 0 } list
            ? new Sample(list).Median.ToString(format, CultureInfo.InvariantCulture)
            : "–";
        Console.WriteLine($"| {what} | " + string.Join(" | ", variants.Select(v =>
        {
            var mine = runs.Where(r => r.Variant == v.Name).ToList();
            return $"{Median(mine.Select(r => value(r.Cold)))} / {Median(mine.SelectMany(r => r.Warm).Select(value))}";
        })) + " |");
    }

    /// <summary>What a process that failed to start, answer or deliver throws: the run is counted as failed, the others go on.</summary>
    private static bool IsRunFailure(Exception e) =>
        e is InvalidOperationException or TimeoutException or HttpRequestException or TaskCanceledException or NpgsqlException or IOException;

    /// <summary>One owner per 10 VMs, as one-host: the 2-VM test is one project's, 100 VMs are 10 projects' (10 delivery queues).</summary>
    private static int Owners(int vms) => Math.Max(1, vms / 10);

    private static double Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;

    /// <summary>The prebuilt directory, or a publish made now (timed); null, said loudly, when there is none.</summary>
    private static async Task<ReadyToRunBuild?> ReadyToRunAsync(string root, string? prebuilt)
    {
        if (prebuilt is not null)
        {
            var existing = ReadyToRunBuild.Existing(prebuilt, out var problem);
            if (existing is null)
                Console.WriteLine($"!!! --r2r-dir: {problem}");
            else
                Console.WriteLine($"ReadyToRun build: {existing.Directory} (given); {existing.DescribeCode()}");
            return existing;
        }
        Console.WriteLine("publishing Doctor.AdminApi ReadyToRun (dotnet publish -c Release -r <this RID> --self-contained false -p:PublishReadyToRun=true) ...");
        var build = await ReadyToRunBuild.PublishAsync(root, TimeSpan.FromMinutes(10), failure => Console.WriteLine($"!!! ReadyToRun publish FAILED — {failure}"));
        if (build is not null)
            Console.WriteLine($"ReadyToRun build: published in {build.Took.TotalSeconds:F1} s to {build.Directory}; {build.DescribeCode()}");
        return build;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Doctor.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException("no Doctor.sln above " + AppContext.BaseDirectory);
    }

    /// <summary>One fault: the client's times from just before the PUT, the service's CPU meanwhile, its stage marks.</summary>
    private sealed record FaultTiming(string IncidentId, double AnsweredMs, double FirstMs, double LastMs, double CpuMs, Dictionary<string, double> Stages, JitCounts? Jit);

    /// <summary>Methods the JIT compiled during a fault: first compilations (tier 0), re-compilations of hot ones (tier 1), the rest.</summary>
    private sealed record JitCounts(int Tier0, int Tier1, int Other)
    {
        public static JitCounts Of(IEnumerable<string> lines)
        {
            int tier0 = 0, tier1 = 0, other = 0;
            foreach (var line in lines)
            {
                var kind = line.IndexOf(" [", StringComparison.Ordinal) is var at and >= 0 ? line[(at + 2)..] : "";
                if (kind.StartsWith("Tier0", StringComparison.Ordinal) || kind.StartsWith("Instrumented Tier0", StringComparison.Ordinal))
                    tier0++;
                else if (kind.StartsWith("Tier1", StringComparison.Ordinal) || kind.StartsWith("Instrumented Tier1", StringComparison.Ordinal))
                    tier1++;
                else
                    other++;
            }
            return new JitCounts(tier0, tier1, other);
        }
    }

    /// <summary>One process: its start, its first fault, the warm faults after it.</summary>
    private sealed record ColdRun(string Variant, int Vms, double StartToHealthyMs, FaultTiming Cold, List<FaultTiming> Warm, int RecoveryWebhooks);

    /// <summary>The part's command line.</summary>
    private sealed record Options(int Processes, int WarmFaults, IReadOnlyList<int> Vms, IReadOnlyList<ServiceVariant> Variants,
        IReadOnlyDictionary<string, string> Environment, string? ReadyToRunDirectory, bool JitCounts)
    {
        public const string Usage = """
            faults cold [--quick] [--processes N] [--warm N] [--vms 2,100] [--variants a,b,...] [--variant name[@r2r]:KEY=VALUE,...]
                        [--env KEY=VALUE] [--r2r-dir DIR] [--jit-counts]
            """;

        public static Options? TryParse(string[] args, out string? problem)
        {
            problem = null;
            var quick = args.Contains("--quick");
            int? processes = null, warm = null;
            var vms = new List<int> { 2, 100 };
            string? selected = null, prebuilt = null;
            var defined = new List<ServiceVariant>();
            var environment = new Dictionary<string, string>();
            for (var i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]}: a value is required");
                try
                {
                    switch (args[i])
                    {
                        case "--quick" or "--jit-counts":
                            break;
                        case "--processes":
                            processes = Count(args[i], Value(), min: 1);
                            break;
                        case "--warm":
                            warm = Count(args[i], Value(), min: 0);
                            break;
                        case "--vms":
                            vms = Value().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(v => Count("--vms", v, min: 1)).ToList();
                            break;
                        case "--variants":
                            selected = Value();
                            break;
                        case "--variant":
                            defined.Add(ServiceVariant.TryParse(Value(), out var bad) ?? throw new FormatException(bad));
                            break;
                        case "--env":
                            var pair = Value();
                            var equals = pair.IndexOf('=', StringComparison.Ordinal);
                            if (equals <= 0)
                                throw new FormatException($"--env '{pair}': expected KEY=VALUE");
                            environment[pair[..equals]] = pair[(equals + 1)..];
                            break;
                        case "--r2r-dir":
                            prebuilt = Value();
                            break;
                        case var option when option.StartsWith("--", StringComparison.Ordinal):
                            throw new FormatException($"{option}: not an option of faults cold");
                    }
                }
                catch (FormatException e)
                {
                    problem = $"{e.Message}\nusage: {Usage}";
                    return null;
                }
            }

            var known = ServiceVariant.Defaults.Concat(ServiceVariant.Extras).Where(v => defined.All(d => d.Name != v.Name)).Concat(defined).ToList();
            List<ServiceVariant> variants;
            if (selected is null)
            {
                variants = [.. ServiceVariant.Defaults.Where(v => defined.All(d => d.Name != v.Name)), .. defined];
            }
            else
            {
                variants = [];
                foreach (var name in selected.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct())
                {
                    if (known.FirstOrDefault(v => v.Name == name) is not { } variant)
                    {
                        problem = $"--variants: no variant '{name}' (known: {string.Join(", ", known.Select(v => v.Name))}; define one with --variant)\nusage: {Usage}";
                        return null;
                    }
                    variants.Add(variant);
                }
            }
            return new Options(processes ?? (quick ? 3 : 12), warm ?? (quick ? 2 : 5), vms.Distinct().ToList(), variants, environment, prebuilt,
                args.Contains("--jit-counts"));
        }

        private static int Count(string option, string text, int min) =>
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min
                ? n
                : throw new FormatException($"{option} '{text}': expected a whole number ≥ {min}");
    }
}
