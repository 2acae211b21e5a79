using Doctor.Benchmarks.Notifier;
using Doctor.Benchmarks.Store;

// One verb per area; each area owns its folder and its RunAsync(args).
return args.FirstOrDefault() switch
{
    "store" => await StoreBenchmarks.RunAsync(args[1..]),
    "notifier" => await NotifierBenchmarks.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: dotnet run -c Release --project bench/Doctor.Benchmarks -- <verb> [options]
          store [append] [latency] [replay] [--quick]   event store on DOCTOR_BENCH_POSTGRES (or DOCTOR_TEST_POSTGRES)
          notifier [fanout] [latency] [--quick]         webhook fan-out and append-to-receipt latency (same database settings)
        """);
    return 2;
}
