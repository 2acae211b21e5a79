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
        _reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _count, 0);
        Volatile.Write(ref _expected, expected);
        return _reached.Task;
    }

    public long[] Arrivals => [.. _arrivals.Order()];

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private Task ReceiveAsync(HttpContext context)
    {
        var at = Stopwatch.GetTimestamp();
        _arrivals.Enqueue(at);
        if (Interlocked.Increment(ref _count) == Volatile.Read(ref _expected))
            _reached.TrySetResult();
        context.Response.StatusCode = 200;
        return Task.CompletedTask;
    }
}
