using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Npgsql;

namespace Doctor.Benchmarks.Faults;

/// <summary>
/// The floor under the one-host figure: what ANY inspector must do on this machine between a monitor's PUT and its
/// consumers' webhooks, with nothing of Doctor in it. A bare Kestrel endpoint receives the PUT, commits one durable
/// row (the least an "append before notifying" needs), then ten senders — one per consumer endpoint, on kept-alive
/// connections, as a per-endpoint ordered delivery must — POST 100 Aodh-sized bodies to the same bare listener the
/// fault benchmark uses. Each variant leaves a part out, so the table shows what each part costs by itself.
/// </summary>
public static class FloorBenchmarks
{
    private const int Endpoints = 10;
    private const int PerEndpoint = 10;

    // An Aodh alarm notification of the size Doctor sends (alarm, previous/current state, reason, the event's traits).
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        """{"alarm_name":"doctor-vm-0-0","alarm_id":"3f1c8e6a-6d3b-4f0e-9a8d-2b7c5e4d1a90","severity":"critical","previous":"alarm","current":"alarm","reason":"Event <id=5b7e0c1e-0f6a-4d39-8a52-6b7d9a0c3e21,event_type=compute.instance.update> hits the query <query=[{\"field\": \"traits.state\", \"op\": \"eq\", \"value\": \"error\", \"type\": \"string\"}, {\"field\": \"traits.instance_id\", \"op\": \"eq\", \"value\": \"vm-0-0\", \"type\": \"string\"}]>.","reason_data":{"type":"event","event":{"message_id":"5b7e0c1e-0f6a-4d39-8a52-6b7d9a0c3e21","event_type":"compute.instance.update","generated":"2026-11-29T03:40:00.000000","traits":[["instance_id",1,"vm-0-0"],["state",1,"error"],["host",1,"compute-0"],["project_id",1,"project-0"],["tenant_id",1,"project-0"]],"raw":{}}}}""");

    public static async Task<int> RunAsync(int runs)
    {
        await using var db = await BenchDatabase.CreateAsync();
        await using (var create = db.DataSource.CreateCommand("CREATE TABLE floor_event (id bigserial PRIMARY KEY, body jsonb NOT NULL)"))
            await create.ExecuteNonQueryAsync();
        await using var consumer = await ConsumerListener.StartAsync();
        using var sender = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10) });
        var targets = Enumerable.Range(0, Endpoints).Select(e => new Uri(consumer.BaseAddress, $"/failure/project-{e}")).ToArray();
        var mode = "";
        await using var inspector = await BareInspector.StartAsync(async () =>
        {
            if (mode.Contains("commit", StringComparison.Ordinal))
            {
                await using var insert = db.DataSource.CreateCommand("INSERT INTO floor_event (body) VALUES ($1::jsonb)");
                insert.Parameters.Add(new NpgsqlParameter { Value = """{"type":"compute.host.down","host":"compute-0"}""" });
                await insert.ExecuteNonQueryAsync();
            }
            if (mode.Contains("webhooks", StringComparison.Ordinal))
                _ = SendAllAsync(sender, targets);
        });
        using var monitor = new HttpClient { BaseAddress = inspector.BaseAddress };

        Console.WriteLine();
        Console.WriteLine($"## Floor: bare Kestrel PUT → one durable INSERT → 100 POSTs to {Endpoints} endpoints, nothing of Doctor ({runs} runs each)");
        Console.WriteLine("| variant | measured to | p50 ms | p99 ms |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var variant in new[] { "put", "put+commit", "put+webhooks", "put+commit+webhooks" })
        {
            mode = variant;
            var answered = new List<double>();
            var each = new List<double>();
            var first = new List<double>();
            var last = new List<double>();
            for (var run = -20; run < runs; run++)
            {
                var done = variant.Contains("webhooks", StringComparison.Ordinal) ? consumer.Expect(Endpoints * PerEndpoint) : Task.CompletedTask;
                var t0 = Stopwatch.GetTimestamp();
                using (var response = await monitor.PutAsync("/v1/inspector/events", new ByteArrayContent("[]"u8.ToArray())))
                    response.EnsureSuccessStatusCode();
                var tAnswer = Stopwatch.GetTimestamp();
                await done.WaitAsync(TimeSpan.FromSeconds(30));
                if (run < 0)
                    continue;
                answered.Add(Stopwatch.GetElapsedTime(t0, tAnswer).TotalMilliseconds);
                if (variant.Contains("webhooks", StringComparison.Ordinal))
                {
                    var arrivals = consumer.Arrivals;
                    each.AddRange(arrivals.Select(a => Stopwatch.GetElapsedTime(t0, a).TotalMilliseconds));
                    first.Add(Stopwatch.GetElapsedTime(t0, arrivals[0]).TotalMilliseconds);
                    last.Add(Stopwatch.GetElapsedTime(t0, arrivals[^1]).TotalMilliseconds);
                }
                await Task.Delay(20);
            }
            Row(variant, "PUT answered", answered);
            if (each.Count > 0)
            {
                Row(variant, "each webhook received", each);
                Row(variant, "first webhook received", first);
                Row(variant, "last webhook received", last);
            }
        }
        return 0;
    }

    private static Task SendAllAsync(HttpClient sender, Uri[] targets) =>
        Task.WhenAll(targets.Select(target => Task.Run(async () =>
        {
            for (var i = 0; i < PerEndpoint; i++)
            {
                using var content = new ByteArrayContent(Body);
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                using var response = await sender.PostAsync(target, content);
            }
        })));

    private static void Row(string variant, string what, List<double> values)
    {
        var s = new Sample(values);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {variant} | {what} | {s.Percentile(50):F2} | {s.Percentile(99):F2} |"));
    }

    /// <summary>A Kestrel endpoint that runs one action per PUT and answers 200 when it is done.</summary>
    private sealed class BareInspector(WebApplication app) : IAsyncDisposable
    {
        public Uri BaseAddress { get; private set; } = null!;

        public static async Task<BareInspector> StartAsync(Func<Task> onPut)
        {
            var app = LoopbackApp.Create();
            app.Run(async context =>
            {
                await onPut();
                context.Response.StatusCode = 200;
            });
            return new BareInspector(app) { BaseAddress = await LoopbackApp.StartAsync(app) };
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
