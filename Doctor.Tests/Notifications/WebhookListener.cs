using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Doctor.Tests.Notifications;

/// <summary>
/// A real HTTP receiver on 127.0.0.1 (Kestrel, free port) that records every POST and answers 200 unless a script
/// for the path says otherwise (fail with a status, hang until released, redirect).
/// </summary>
public sealed class WebhookListener : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedPost> _attempts = new();
    private readonly ConcurrentQueue<ReceivedPost> _accepted = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Func<HttpContext, Task<int>>>> _scripts = new();
    private readonly ConcurrentDictionary<string, Func<string, bool>> _flaky = new();
    private readonly ConcurrentDictionary<string, bool> _seenEventIds = new();

    private WebhookListener(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Starts on <paramref name="port"/> (0: any free one) — a fixed port lets a test bring a consumer back where it was down.</summary>
    public static async Task<WebhookListener> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var listener = new WebhookListener(app);
        app.Run(listener.ReceiveAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        listener.BaseAddress = new Uri(address);
        return listener;
    }

    public Uri Url(string path) => new(BaseAddress, path);

    /// <summary>The next <paramref name="times"/> POSTs to <paramref name="path"/> are answered with <paramref name="status"/>.</summary>
    public void FailNext(string path, int status, int times = 1)
    {
        for (var i = 0; i < times; i++)
            Script(path).Enqueue(_ => Task.FromResult(status));
    }

    /// <summary>From now on, the first attempt of every delivery to <paramref name="path"/> whose event id <paramref name="fails"/> selects gets a 503.</summary>
    public void FailFirstAttempts(string path, Func<string, bool> fails) => _flaky[path] = fails;

    /// <summary>The next POST to <paramref name="path"/> gets no answer until <paramref name="release"/> completes or the sender gives up.</summary>
    public void HangNext(string path, Task release) =>
        Script(path).Enqueue(async context =>
        {
            await Task.WhenAny(release, Task.Delay(Timeout.Infinite, context.RequestAborted));
            return 200;
        });

    /// <summary>The next POST to <paramref name="path"/> is redirected to <paramref name="location"/>.</summary>
    public void RedirectNext(string path, Uri location) =>
        Script(path).Enqueue(context =>
        {
            context.Response.Headers.Location = location.ToString();
            return Task.FromResult(307);
        });

    public IReadOnlyList<ReceivedPost> Attempts(string path) => [.. _attempts.Where(p => p.Path == path)];

    public IReadOnlyList<ReceivedPost> Accepted(string path) => [.. _accepted.Where(p => p.Path == path)];

    public IReadOnlyList<ReceivedPost> AllAttempts => [.. _attempts];

    /// <summary>Waits until <paramref name="path"/> has accepted <paramref name="count"/> POSTs; fails after a generous bound.</summary>
    public Task<IReadOnlyList<ReceivedPost>> WaitForAcceptedAsync(string path, int count) => WaitAsync(() => Accepted(path), count, $"{count} accepted POST(s) on {path}");

    /// <summary>Waits until <paramref name="path"/> has accepted POSTs with <paramref name="count"/> distinct event ids, within <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<ReceivedPost>> WaitForDistinctAsync(string path, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var posts = Accepted(path);
            var distinct = posts.Select(p => p.EventId).Distinct().Count();
            if (distinct >= count)
                return posts;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"expected {count} distinct deliveries on {path}, got {distinct}");
            await Task.Delay(50);
        }
    }

    /// <summary>Waits until <paramref name="path"/> has seen <paramref name="count"/> attempts, whatever their answer.</summary>
    public Task<IReadOnlyList<ReceivedPost>> WaitForAttemptsAsync(string path, int count) => WaitAsync(() => Attempts(path), count, $"{count} attempt(s) on {path}");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task<IReadOnlyList<ReceivedPost>> WaitAsync(Func<IReadOnlyList<ReceivedPost>> read, int count, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var posts = read();
            if (posts.Count >= count)
                return posts;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"expected {what}, got {posts.Count}");
            await Task.Delay(10);
        }
    }

    private ConcurrentQueue<Func<HttpContext, Task<int>>> Script(string path) => _scripts.GetOrAdd(path, _ => new());

    private async Task ReceiveAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var post = new ReceivedPost(
            context.Request.Path.Value ?? "",
            context.Request.Method,
            context.Request.Headers["X-Doctor-Event-Id"].ToString(),
            context.Request.ContentType,
            await reader.ReadToEndAsync(),
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase));
        _attempts.Enqueue(post);
        var firstAttempt = _seenEventIds.TryAdd(post.Path + " " + post.EventId, true);
        var status = _scripts.TryGetValue(post.Path, out var script) && script.TryDequeue(out var respond) ? await respond(context)
            : firstAttempt && _flaky.TryGetValue(post.Path, out var fails) && fails(post.EventId) ? 503
            : 200;
        if (status is >= 200 and < 300 && !context.RequestAborted.IsCancellationRequested)
            _accepted.Enqueue(post);
        context.Response.StatusCode = status;
    }
}
