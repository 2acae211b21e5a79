using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Doctor.Workflows.EventStore;

/// <summary>
/// Runs every <see cref="IEventFeedHandler"/> over the global feed, each in a loop of its own so a slow one stalls
/// no other: read after the stored checkpoint, handle, store the new checkpoint, repeat; when caught up, sleep
/// until a <c>doctor_events</c> notification or the poll interval. A failing handler is retried on the same batch
/// with backoff — never skipped. With <see cref="EventStoreOptions.FeedExclusive"/> each handler runs on one node.
/// </summary>
public sealed class EventFeedRunner : BackgroundService
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly IEventStore _store;
    private readonly EventStoreOptions _options;
    private readonly ILogger<EventFeedRunner> _logger;
    private readonly Dictionary<string, FeedSubscription> _subscriptions;
    private readonly EventFeedListener _listener;
    private readonly IHostApplicationLifetime? _lifetime;

    public EventFeedRunner(
        NpgsqlDataSource dataSource,
        IEventStore store,
        IEnumerable<IEventFeedHandler> handlers,
        IOptions<EventStoreOptions> options,
        ILogger<EventFeedRunner> logger,
        IHostApplicationLifetime? lifetime = null)
    {
        _lifetime = lifetime;
        _dataSource = dataSource;
        _store = store;
        _options = options.Value;
        _logger = logger;
        if (_options.Validate() is { } problem)
        {
            throw new OptionsValidationException(EventStoreOptions.SectionName, typeof(EventStoreOptions), [problem]);
        }
        _subscriptions = new Dictionary<string, FeedSubscription>(StringComparer.Ordinal);
        foreach (var handler in handlers)
        {
            if (string.IsNullOrWhiteSpace(handler.Name))
            {
                throw new InvalidOperationException($"feed handler {handler.GetType().FullName} has no name");
            }
            if (!_subscriptions.TryAdd(handler.Name, new FeedSubscription(handler)))
            {
                throw new InvalidOperationException($"two feed handlers are named '{handler.Name}': checkpoint names must be unique");
            }
        }
        _listener = new EventFeedListener(dataSource, WakeAll, _options, logger);
    }

    public IReadOnlyCollection<string> HandlerNames => _subscriptions.Keys;

    /// <summary>The last seq the named handler has handled and checkpointed here; null before its loop has loaded it.</summary>
    public long? PositionOf(string handlerName) => Subscription(handlerName).Position;

    /// <summary>Completes once the named handler, run by this runner, has handled every event up to <paramref name="seq"/>.</summary>
    public Task WaitForPositionAsync(string handlerName, long seq, CancellationToken ct = default) =>
        Subscription(handlerName).WaitForAsync(seq, ct);

    /// <summary>Completes once every handler of this runner has handled every event committed before the call.</summary>
    public async Task WaitUntilCaughtUpAsync(CancellationToken ct = default)
    {
        var head = await FeedCheckpoints.ReadHeadAsync(_dataSource, ct);
        await Task.WhenAll(_subscriptions.Values.Select(s => s.WaitForAsync(head, ct)));
    }

    /// <summary>
    /// Brings <paramref name="handler"/> up to the events committed before the call and returns its position. A handler
    /// this runner is running is waited for; any other is run here, from its checkpoint, until the feed is empty
    /// (its failures are thrown, not retried).
    /// </summary>
    public async Task<long> CatchUpAsync(IEventFeedHandler handler, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (_subscriptions.TryGetValue(handler.Name, out var running) && ExecuteTask is { IsCompleted: false })
        {
            if (!ReferenceEquals(running.Handler, handler))
            {
                throw new InvalidOperationException($"another handler named '{handler.Name}' is running: they would share a checkpoint");
            }
            var head = await FeedCheckpoints.ReadHeadAsync(_dataSource, ct);
            await running.WaitForAsync(head, ct);
            return running.Position ?? head;
        }

        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        if (_options.FeedExclusive)
        {
            await FeedCheckpoints.AcquireAsync(connection, handler.Name, ct);
        }
        try
        {
            var position = await FeedCheckpoints.LoadAsync(connection, handler.Name, ct);
            while (true)
            {
                var batch = await _store.ReadAllAsync(position, _options.FeedBatchSize, ct);
                if (batch.Count == 0)
                {
                    return position;
                }
                await handler.HandleAsync(batch, ct);
                position = batch[^1].Seq;
                await FeedCheckpoints.SaveAsync(connection, handler.Name, position, ct);
            }
        }
        finally
        {
            if (_options.FeedExclusive)
            {
                await ReleaseQuietlyAsync(connection, handler.Name);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_subscriptions.Count == 0)
        {
            _logger.LogInformation("event feed: no handlers registered");
            return;
        }
        // Handlers stop as soon as the application starts stopping, not when the host reaches this service: hosted
        // services stop in reverse order, and the bus (registered later) would otherwise be stopped under a handler
        // still publishing to it — an error logged on every clean shutdown, and a batch retried for nothing.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, _lifetime?.ApplicationStopping ?? CancellationToken.None);
        var token = stopping.Token;
        var loops = _subscriptions.Values.Select(s => Task.Run(() => RunAsync(s, token), CancellationToken.None)).ToList();
        if (_options.FeedUseNotifications)
        {
            loops.Add(Task.Run(() => _listener.RunAsync(token), CancellationToken.None));
        }
        await Task.WhenAll(loops);
    }

    private FeedSubscription Subscription(string handlerName) =>
        _subscriptions.TryGetValue(handlerName, out var subscription)
            ? subscription
            : throw new ArgumentException($"no feed handler named '{handlerName}' is registered", nameof(handlerName));

    /// <summary>
    /// Raised whenever the feed may have moved: on every append notification of any node, and after the listening
    /// connection is (re)established. For in-memory views that follow the store on every node (the incident book).
    /// </summary>
    public event Action? Appended;

    private void WakeAll()
    {
        foreach (var subscription in _subscriptions.Values)
        {
            subscription.Signal.Raise();
        }
        Appended?.Invoke();
    }

    /// <summary>One handler's life: (re)connect, take its lock, load its checkpoint, pump; on a database failure start over.</summary>
    private async Task RunAsync(FeedSubscription subscription, CancellationToken ct)
    {
        var attempt = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                // The checkpoint connection also holds the handler's lock: if it breaks, the lock is gone and so are we.
                await using var connection = await _dataSource.OpenConnectionAsync(ct);
                if (_options.FeedExclusive && !await FeedCheckpoints.TryAcquireAsync(connection, subscription.Name, ct))
                {
                    _logger.LogInformation("event feed: handler {Handler} runs on another node; standing by", subscription.Name);
                    await FeedCheckpoints.AcquireAsync(connection, subscription.Name, ct);
                }
                try
                {
                    subscription.Advance(await FeedCheckpoints.LoadAsync(connection, subscription.Name, ct));
                    _logger.LogDebug("event feed: handler {Handler} starts after seq {Position}", subscription.Name, subscription.Position);
                    attempt = 0;
                    await PumpAsync(subscription, connection, ct);
                }
                finally
                {
                    if (_options.FeedExclusive)
                    {
                        await ReleaseQuietlyAsync(connection, subscription.Name);
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                var delay = _options.RetryDelay(++attempt);
                _logger.LogError(ex, "event feed: handler {Handler} lost its database connection (attempt {Attempt}); resuming from its checkpoint in {Delay}",
                    subscription.Name, attempt, delay);
                await Task.Delay(delay, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task PumpAsync(FeedSubscription subscription, NpgsqlConnection connection, CancellationToken ct)
    {
        var position = subscription.Position ?? 0;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            subscription.Signal.Reset();
            var batch = await _store.ReadAllAsync(position, _options.FeedBatchSize, ct);
            if (batch.Count == 0)
            {
                await subscription.Signal.WaitAsync(_options.FeedPollInterval, ct);
                continue;
            }
            await HandleUntilDoneAsync(subscription, batch, ct);
            position = batch[^1].Seq;
            await FeedCheckpoints.SaveAsync(connection, subscription.Name, position, ct);
            subscription.Advance(position);
        }
    }

    private async Task HandleUntilDoneAsync(FeedSubscription subscription, IReadOnlyList<RecordedEvent> batch, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await subscription.Handler.HandleAsync(batch, ct);
                return;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (ct.IsCancellationRequested)
            {
                // The service is stopping, and what the handler uses may be stopping with it (the bus): not a fault. The
                // batch is not checkpointed, so it is handled again at the next start.
                _logger.LogInformation("event feed: handler {Handler} stopped on seq {FirstSeq}..{LastSeq} as the service stops ({Error}); it is handled again at the next start",
                    subscription.Name, batch[0].Seq, batch[^1].Seq, ex.Message);
                throw new OperationCanceledException("the service is stopping", ex, ct);
            }
            catch (Exception ex)
            {
                var delay = _options.RetryDelay(attempt);
                _logger.LogError(ex, "event feed: handler {Handler} failed on seq {FirstSeq}..{LastSeq} (attempt {Attempt}); retrying the same batch in {Delay}",
                    subscription.Name, batch[0].Seq, batch[^1].Seq, attempt, delay);
                await Task.Delay(delay, ct);
            }
        }
    }

    private async Task ReleaseQuietlyAsync(NpgsqlConnection connection, string handlerName)
    {
        if (connection.State != System.Data.ConnectionState.Open)
        {
            return;
        }
        try
        {
            await FeedCheckpoints.ReleaseAsync(connection, handlerName);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // A broken session has dropped its locks already.
            _logger.LogDebug(ex, "event feed: releasing the lock of handler {Handler} failed", handlerName);
        }
    }
}
