using System.Text.Json;
using Doctor.Workflows.EventStore;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Doctor.Workflows.Notifications.Bus;

/// <summary>
/// Publishes every <see cref="NotificationEmitted"/> of the event feed on the bus as a <see cref="BusNotification"/>, in
/// feed order, one at a time. "Published" means the broker confirmed it (publisher confirms): only then does the
/// runner move the checkpoint. While the broker is unreachable the batch fails and the runner retries the same
/// batch with backoff, so nothing is lost; what was already confirmed in a failed batch is not sent again by this
/// process (a crash in between can repeat messages: consumers dedupe on <c>message_id</c>).
/// <para>
/// The first time the publisher runs in a database (no checkpoint yet), notifications recorded before this process
/// started are not published: a deployment that gains the bus does not replay its whole past onto the exchange.
/// </para>
/// </summary>
public sealed class BusPublisher(
    IBusControl bus,
    NpgsqlDataSource dataSource,
    IOptions<BusOptions> options,
    BusMetrics metrics,
    TimeProvider clock,
    ILogger<BusPublisher> logger) : IEventFeedHandler
{
    public const string HandlerName = "bus-publisher";

    private readonly TimeSpan _publishTimeout = options.Value.BusPublishTimeout;

    // On the in-memory bus nobody outside this process can listen: publishing what no in-process consumer takes would
    // only spend the CPU the fault path needs (a 100-host failure is 20,000 notifications). On RabbitMQ: everything.
    private readonly bool _external = options.Value.UsesRabbitMq;
    private static readonly HashSet<string> InProcessEventTypes = new(StringComparer.Ordinal) { Maintenance.MaintenanceNotifications.Host };

    // The last seq confirmed by the broker, so a retried batch skips what already went out.
    private long _confirmedThrough;

    private readonly DateTimeOffset _started = clock.GetUtcNow();
    private bool? _firstRun;

    public string Name => HandlerName;

    public async Task HandleAsync(IReadOnlyList<RecordedEvent> batch, CancellationToken ct)
    {
        // The runner hands only events after the checkpoint: everything before the batch is done.
        _confirmedThrough = Math.Max(_confirmedThrough, batch[0].Seq - 1);
        _firstRun ??= !await HasCheckpointAsync(ct);
        try
        {
            // Fail fast rather than wait a publish timeout per attempt while the connection is known to be down.
            var health = bus.CheckHealth();
            if (health.Status != BusHealthStatus.Healthy)
                throw new BusUnavailableException($"the bus is {health.Status.ToString().ToLowerInvariant()}: {health.Description}");

            foreach (var recorded in batch)
            {
                if (recorded.Seq <= _confirmedThrough)
                    continue;
                var past = _firstRun == true && recorded.RecordedAt < _started;
                // A fault record holds only compute.instance.update and doctor.fault: on the in-memory bus, not even read.
                if (!past && OutboxNotifications.IsOutbox(recorded.Type) && (_external || recorded.Type == NotificationEmitted.TypeName))
                {
                    foreach (var notification in OutboxNotifications.Read(recorded, logger))
                    {
                        if (_external || InProcessEventTypes.Contains(notification.EventType))
                            await PublishAsync(BusNotification.From(notification), ct);
                    }
                }
                _confirmedThrough = recorded.Seq;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            metrics.PublishFailed();
            throw e as BusUnavailableException ?? new BusUnavailableException($"publishing to the bus failed: {e.Message}", e);
        }
        finally
        {
            await RefreshPendingAsync();
        }
    }

    private async Task PublishAsync(BusNotification message, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_publishTimeout);
        try
        {
            await bus.Publish(message, context =>
            {
                // The same id end to end, so a consumer can drop a repeat.
                if (Guid.TryParse(message.MessageId, out var id))
                    context.MessageId = id;
            }, timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new BusUnavailableException($"no confirm from the broker within {_publishTimeout.TotalSeconds:0.#} s for {message.EventType} {message.MessageId}");
        }
        metrics.Published(message.EventType);
        logger.LogDebug("bus: published {EventType} {MessageId}", message.EventType, message.MessageId);
    }

    private async Task<bool> HasCheckpointAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM doctor.checkpoints WHERE name = $1)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = HandlerName });
        var exists = (bool)(await command.ExecuteScalarAsync(ct))!;
        if (!exists)
            logger.LogInformation("bus: first run of the publisher in this database; notifications recorded before {Started:O} are not published", _started);
        return exists;
    }

    private async Task RefreshPendingAsync()
    {
        try
        {
            var head = await FeedCheckpoints.ReadHeadAsync(dataSource, CancellationToken.None);
            metrics.SetPending(head - _confirmedThrough);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            logger.LogDebug(e, "bus: could not read the head of the feed for the pending gauge");
        }
    }
}
