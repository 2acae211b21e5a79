using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Doctor.Workflows.Notifications.Delivery;

/// <summary>
/// POSTs webhooks reliably without letting one endpoint hold up another: one queue per endpoint URL, drained by one
/// caller at a time, so each endpoint receives its deliveries in the order they were queued, and a slow or dead
/// endpoint only delays its own.
/// Each delivery is retried with exponential backoff and jitter on connection errors, timeouts, 408, 429 and 5xx; any
/// other answer is final. What cannot be delivered goes to the <see cref="IDeadLetterSink"/>.
/// <para>
/// Queues live in memory, but a durable delivery (one with an <see cref="WebhookDelivery.Id"/>) has its row in
/// <c>doctor.webhook_deliveries</c> before it is queued, and its outcome goes to the <see cref="IDeliveryLog"/>: what is
/// queued when the process dies is sent again after the restart. A delivery id is queued at most once at a time, so
/// the fast lane and the feed reaching the same notification send it once.
/// </para>
/// </summary>
public sealed class WebhookDispatcher : IAsyncDisposable
{
    /// <summary>The named <see cref="HttpClient"/> the dispatcher uses; registered without redirects.</summary>
    public const string HttpClientName = "notifier";

    /// <summary>The idempotency key header: the same on every attempt of a delivery.</summary>
    public const string EventIdHeader = "X-Doctor-Event-Id";

    private static readonly ResiliencePropertyKey<Attempts> AttemptsKey = new("doctor.delivery");

    private readonly IHttpClientFactory _http;
    private readonly NotifierCounters _counters;
    private readonly IDeadLetterSink _deadLetters;
    private readonly IDeliveryLog _log;
    private readonly ConcurrentDictionary<Guid, byte> _queued = new();
    private readonly ILogger<WebhookDispatcher> _logger;
    private readonly TimeProvider _clock;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly ConcurrentDictionary<string, Lazy<EndpointQueue>> _queues = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, byte> _draining = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _idleGate = new();
    private int _pending;
    private TaskCompletionSource _idle = Settled();

    public WebhookDispatcher(
        IHttpClientFactory http,
        IOptions<NotifierOptions> options,
        NotifierCounters counters,
        IDeadLetterSink deadLetters,
        IDeliveryLog log,
        ILogger<WebhookDispatcher> logger,
        TimeProvider clock)
    {
        _log = log;
        _http = http;
        _counters = counters;
        _deadLetters = deadLetters;
        _logger = logger;
        _clock = clock;
        var settings = options.Value;
        if (settings.Problem() is { } problem)
            throw new OptionsValidationException(NotifierOptions.Section, typeof(NotifierOptions), [problem]);
        _pipeline = BuildPipeline(settings, clock);
    }

    /// <summary>
    /// Queues the delivery behind the endpoint's earlier ones and returns at once; false (and nothing queued) when a
    /// delivery with the same <see cref="WebhookDelivery.Id"/> is queued or in flight, or settled but not yet stored.
    /// </summary>
    public bool Enqueue(WebhookDelivery delivery)
    {
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        if (delivery.Id is { } id && !_queued.TryAdd(id, 0))
            return false;
        lock (_idleGate)
        {
            if (_pending++ == 0)
                _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        _counters.CountQueued();
        var queue = _queues.GetOrAdd(delivery.Endpoint.AbsoluteUri, key => new Lazy<EndpointQueue>(() => new EndpointQueue(key))).Value;
        queue.Deliveries.Enqueue(delivery);
        if (queue.TryClaim())
            StartDraining(queue);
        return true;
    }

    /// <summary>
    /// Runs the endpoint's drain on the caller's thread up to its first wait, so the POST is on the wire before
    /// <see cref="Enqueue"/> returns: a worker woken through the thread pool took milliseconds to start on a busy small
    /// machine, and the first webhook of a fault waited for it. The caller's context is not captured: from the drain's
    /// first wait on, no request's log scope or AsyncLocal follows the endpoint's deliveries, and its Activity not at all.
    /// </summary>
    private void StartDraining(EndpointQueue queue)
    {
        var flow = ExecutionContext.IsFlowSuppressed() ? (AsyncFlowControl?)null : ExecutionContext.SuppressFlow();
        var activity = System.Diagnostics.Activity.Current;
        System.Diagnostics.Activity.Current = null;
        try
        {
            var draining = DrainAsync(queue);
            if (!draining.IsCompleted)
            {
                _draining.TryAdd(draining, 0);
                _ = draining.ContinueWith(static (t, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(t, out _),
                    _draining, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
        finally
        {
            System.Diagnostics.Activity.Current = activity;
            flow?.Undo();
        }
    }

    /// <summary>Deliveries queued or in flight, all endpoints together (the queue depth).</summary>
    public int Pending
    {
        get
        {
            lock (_idleGate)
                return _pending;
        }
    }

    /// <summary>Completes when every delivery queued so far has been delivered or given up.</summary>
    public Task WhenIdleAsync(CancellationToken ct = default)
    {
        lock (_idleGate)
            return _idle.Task.WaitAsync(ct);
    }

    /// <summary>Stops every drain; deliveries still queued are dropped (and logged).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
            return;
        await _stopping.CancelAsync();
        await Task.WhenAll(_draining.Keys);
        lock (_idleGate)
        {
            if (_pending > 0)
                _logger.LogWarning("notifier stopped with {Pending} webhook deliveries not made", _pending);
        }
    }

    private ResiliencePipeline<HttpResponseMessage> BuildPipeline(NotifierOptions settings, TimeProvider clock)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = clock };
        if (settings.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = settings.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(settings.BaseDelayMs),
                MaxDelay = TimeSpan.FromMilliseconds(settings.MaxDelayMs),
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
                OnRetry = args =>
                {
                    _counters.CountRetried();
                    var attempts = args.Context.Properties.GetValue(AttemptsKey, null!);
                    _logger.LogWarning(
                        "webhook {Endpoint} for {Subscriber}, event {EventId}: attempt {Attempt} failed ({Error}); retrying in {Delay} ms",
                        attempts.Delivery.Endpoint, attempts.Delivery.Subscriber, attempts.Delivery.EventId, args.AttemptNumber + 1,
                        Describe(args.Outcome), (int)args.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            });
        }
        // Inside the retry, so the limit applies to each attempt, not to the delivery as a whole.
        builder.AddTimeout(TimeSpan.FromMilliseconds(settings.TimeoutMs));
        return builder.Build();
    }

    private static bool IsTransient(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is HttpRequestException or TimeoutRejectedException
        || outcome.Result is { StatusCode: var status } && IsTransient(status);

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is { } e ? $"{e.GetType().Name}: {e.Message}" : $"HTTP {(int)outcome.Result!.StatusCode} {outcome.Result.ReasonPhrase}";

    /// <summary>Sends the endpoint's deliveries one after another, in queue order, until its queue is empty.</summary>
    private async Task DrainAsync(EndpointQueue queue)
    {
        while (true)
        {
            while (queue.Deliveries.TryDequeue(out var delivery))
            {
                if (_stopping.IsCancellationRequested)
                    return;
                Task stored = Task.CompletedTask;
                try
                {
                    stored = await DeliverAsync(delivery, _stopping.Token);
                }
                catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    // A fault in our own code must not stop the endpoint's drain: the rest of its queue still goes out.
                    _logger.LogError(e, "webhook {Endpoint}: delivery of event {EventId} failed unexpectedly", queue.Endpoint, delivery.EventId);
                }
                finally
                {
                    SettleWhenStored(delivery, stored);
                }
            }
            // A delivery queued between the last TryDequeue and the release found the claim taken: drain it too.
            queue.Release();
            if (queue.Deliveries.IsEmpty || !queue.TryClaim())
                return;
        }
    }

    /// <summary>Sends with retries; returns the task that stores the outcome (not awaited here: the next delivery need not wait for it).</summary>
    private async Task<Task> DeliverAsync(WebhookDelivery delivery, CancellationToken ct)
    {
        var attempts = new Attempts(delivery);
        var context = ResilienceContextPool.Shared.Get(ct);
        context.Properties.Set(AttemptsKey, attempts);
        Outcome<HttpResponseMessage> outcome;
        try
        {
            outcome = await _pipeline.ExecuteOutcomeAsync(
                static async (context, self) =>
                {
                    var attempts = context.Properties.GetValue(AttemptsKey, null!);
                    attempts.Count++;
                    try
                    {
                        return Outcome.FromResult(await self.SendOnceAsync(attempts.Delivery, context.CancellationToken));
                    }
                    catch (Exception e) when (e is not OperationCanceledException || !self._stopping.IsCancellationRequested)
                    {
                        return Outcome.FromException<HttpResponseMessage>(e);
                    }
                },
                context,
                this);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        if (outcome.Exception is OperationCanceledException && ct.IsCancellationRequested)
            throw outcome.Exception;
        using var response = outcome.Result;
        if (response is { IsSuccessStatusCode: true })
        {
            _counters.CountDelivered();
            _logger.LogDebug("webhook {Endpoint} for {Subscriber}: event {EventId} delivered after {Attempts} attempt(s)",
                delivery.Endpoint, delivery.Subscriber, delivery.EventId, attempts.Count);
            return _log.DeliveredAsync(delivery, attempts.Count, ct).AsTask();
        }
        _counters.CountDead();
        var letter = new DeadLetter(delivery, attempts.Count, Describe(outcome), _clock.GetUtcNow());
        await _log.DeadAsync(letter, ct);
        await _deadLetters.RecordAsync(letter, ct);
        return Task.CompletedTask;
    }

    private async Task<HttpResponseMessage> SendOnceAsync(WebhookDelivery delivery, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Endpoint) { Content = new ByteArrayContent(delivery.Body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(EventIdHeader, delivery.EventId);
        foreach (var (name, value) in delivery.Headers ?? new Dictionary<string, string>())
            request.Headers.TryAddWithoutValidation(name, value);
        return await _http.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }

    private void SettleWhenStored(WebhookDelivery delivery, Task stored)
    {
        if (stored.IsCompleted)
        {
            Settle(delivery);
            return;
        }
        stored.ContinueWith(
            static (_, state) =>
            {
                var (self, delivery) = ((WebhookDispatcher, WebhookDelivery))state!;
                self.Settle(delivery);
            },
            (this, delivery),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void Settle(WebhookDelivery delivery)
    {
        if (delivery.Id is { } id)
            _queued.TryRemove(id, out _);
        _counters.CountSettled();
        lock (_idleGate)
        {
            if (--_pending == 0)
                _idle.TrySetResult();
        }
    }

    private static TaskCompletionSource Settled()
    {
        var settled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        settled.SetResult();
        return settled;
    }

    /// <summary>How often one delivery has been tried; carried through the pipeline for logs and the dead letter.</summary>
    private sealed class Attempts(WebhookDelivery delivery)
    {
        public WebhookDelivery Delivery { get; } = delivery;
        public int Count { get; set; }
    }

    /// <summary>One endpoint's deliveries in order, and the claim of whoever drains them (at most one at a time).</summary>
    private sealed class EndpointQueue(string endpoint)
    {
        private int _claimed;

        public string Endpoint { get; } = endpoint;
        public ConcurrentQueue<WebhookDelivery> Deliveries { get; } = new();

        public bool TryClaim() => Interlocked.CompareExchange(ref _claimed, 1, 0) == 0;

        public void Release() => Volatile.Write(ref _claimed, 0);
    }
}
