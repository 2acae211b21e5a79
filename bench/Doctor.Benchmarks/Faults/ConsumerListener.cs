using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Doctor.Benchmarks.Faults;

/// <summary>The consumers' webhook receiver on loopback Kestrel: stamps every POST on arrival (Stopwatch ticks).</summary>
public sealed class ConsumerListener : IAsyncDisposable
{
    private readonly WebApplication _app;
    private ConcurrentQueue<long> _arrivals = new();
    // Every delivery's X-Doctor-Event-Id since the listener started: a late arrival is a copy of a delivery (same id,
    // at-least-once) or a notification of its own (a new id).
    private readonly ConcurrentDictionary<string, int> _eventIds = new(StringComparer.Ordinal);
    private ConcurrentQueue<string> _arrivedIds = new();
    private int _count;
    private TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _expected = int.MaxValue;

    private ConsumerListener(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<ConsumerListener> StartAsync()
    {
        var app = LoopbackApp.Create();
        var listener = new ConsumerListener(app);
        app.Run(listener.ReceiveAsync);
        listener.BaseAddress = await LoopbackApp.StartAsync(app);
        return listener;
    }

    /// <summary>Starts counting afresh; the returned task completes when <paramref name="expected"/> POSTs have arrived.</summary>
    public Task Expect(int expected)
    {
        _arrivals = new ConcurrentQueue<long>();
        _arrivedIds = new ConcurrentQueue<string>();
        _reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _count, 0);
        Volatile.Write(ref _expected, expected);
        return _reached.Task;
    }

    public long[] Arrivals => [.. _arrivals.Order()];

    /// <summary>Of the POSTs since <see cref="Expect"/>, how many carried an event id that had arrived before (a repeated delivery).</summary>
    public int Repeated => _arrivedIds.Count(id => _eventIds.TryGetValue(id, out var n) && n > 1);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private Task ReceiveAsync(HttpContext context)
    {
        var at = Stopwatch.GetTimestamp();
        var id = context.Request.Headers["X-Doctor-Event-Id"].ToString();
        _eventIds.AddOrUpdate(id, 1, (_, n) => n + 1);
        _arrivedIds.Enqueue(id);
        _arrivals.Enqueue(at);
        if (Interlocked.Increment(ref _count) == Volatile.Read(ref _expected))
            _reached.TrySetResult();
        context.Response.StatusCode = 200;
        return Task.CompletedTask;
    }
}
