using Doctor.Benchmarks.Bus;
using Doctor.Benchmarks.Faults;
using Doctor.Benchmarks.Maintenance;
using Doctor.Benchmarks.Notifier;
using Doctor.Benchmarks.Store;

namespace Doctor.Benchmarks;

/// <summary>
/// One verb per area; each area owns its folder and its RunAsync(args). Not a top-level program: the global
/// <c>Program</c> is Doctor.AdminApi's, which the maintenance benchmarks host.
/// </summary>
public static class BenchProgram
{
    public static async Task<int> Main(string[] args) => args.FirstOrDefault() switch
    {
        "store" => await StoreBenchmarks.RunAsync(args[1..]),
        "maintenance" => await MaintenanceBenchmarks.RunAsync(args[1..]),
        "notifier" => await NotifierBenchmarks.RunAsync(args[1..]),
        "bus" => await BusBenchmarks.RunAsync(args[1..]),
        "faults" => await FaultBenchmarks.RunAsync(args[1..]),
        _ => Usage(),
    };

    private static int Usage()
    {
        Console.Error.WriteLine("""
            usage: dotnet run -c Release --project bench/Doctor.Benchmarks -- <verb> [options]
              store [append] [latency] [replay] [--quick]
              maintenance [rolling] [concurrent] [--quick] [--runs N] [--hosts N] [--instances N] [--sessions N] [--lead S]
              notifier [fanout] [latency] [--quick]                webhook fan-out and append-to-receipt latency
              bus [--quick]                                        RabbitMQ publish rates on DOCTOR_BENCH_RABBITMQ (or DOCTOR_TEST_RABBITMQ)
              faults [one-host] [fresh-alarms] [many-hosts] [ingest] [floor] [--quick]
                                                   fault fast path: monitor PUT → consumer webhook, bulk ingest, the machine's floor
              faults cold [--quick] [--processes N] [--warm N] [--vms 2,100] [--variants a,b,...]
                          [--variant name[@r2r]:KEY=VALUE,...] [--env KEY=VALUE] [--r2r-dir DIR] [--jit-counts]
                                                   the first fault on freshly started service processes, cold vs warm, per
                                                   variant (default, r2r, tc-off, tpgo-off; r2r-tpgo-off, r2r-tc-off and
                                                   tc-quickjitloops-off by name), interleaved; only when named
            store and maintenance start a private PostgreSQL cluster (durable initdb defaults) from /usr/lib/postgresql/*/bin
            in a temporary directory, as an unprivileged account when run as root, and remove it afterwards; set
            DOCTOR_BENCH_POSTGRES to a server connection string to use that server instead. A server with fsync or
            synchronous_commit off is refused unless --allow-nondurable is given.
            notifier and faults use DOCTOR_BENCH_POSTGRES (or DOCTOR_TEST_POSTGRES).
            """);
        return 2;
    }
}
