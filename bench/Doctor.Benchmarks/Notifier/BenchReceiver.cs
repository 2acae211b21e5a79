using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Doctor.Benchmarks.Notifier;

/// <summary>
/// A Kestrel receiver on loopback standing in for any number of webhook endpoints (one path each): answers 200, counts,
/// and notes when each notification's first copy arrived (by the Aodh body's message id).
/// </summary>
public sealed class BenchReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, long> _arrivals = new(StringComparer.Ordinal);
    private long _received;

    private BenchReceiver(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public long Received => Interlocked.Read(ref _received);

    /// <summary>Stopwatch timestamp of the first POST carrying <c>message_id</c>, by message id.</summary>
    public IReadOnlyDictionary<string, long> Arrivals => _arrivals;

    public static async Task<BenchReceiver> StartAsync(bool readBodies)
    {
        var app = LoopbackApp.Create();
        var receiver = new BenchReceiver(app);
        app.Run(async context =>
        {
            if (readBodies)
            {
                var now = Stopwatch.GetTimestamp();
                using var body = await JsonDocument.ParseAsync(context.Request.Body);
                var id = body.RootElement.GetProperty("reason_data").GetProperty("event").GetProperty("message_id").GetString()!;
                receiver._arrivals.TryAdd(id, now);
            }
            else
            {
                await context.Request.Body.CopyToAsync(Stream.Null);
            }
            Interlocked.Increment(ref receiver._received);
            context.Response.StatusCode = StatusCodes.Status200OK;
        });
        receiver.BaseAddress = await LoopbackApp.StartAsync(app);
        return receiver;
    }

    public void Reset()
    {
        Interlocked.Exchange(ref _received, 0);
        _arrivals.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
