using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Doctor.Workflows.Infrastructure.OpenStack;

/// <summary>
/// Follows Nova without polling it: a queue of this process's own, bound to Nova's notification exchange for
/// <c>{topic}.info</c> and <c>{topic}.error</c>, each notification handed to <see cref="OpenStackCloud.Changed"/> (the
/// resource map applies it at once). The queue is exclusive, so every node of Doctor hears everything; what passes
/// while the connection is down is caught up by a full re-snapshot when it is back (a <c>topology.replaced</c> change).
/// </summary>
public sealed class NovaNotificationListener(OpenStackCloud cloud, OpenStackOptions options, IMeterFactory meters, ILogger<NovaNotificationListener> logger)
    : BackgroundService
{
    private static readonly TimeSpan MaxBackOff = TimeSpan.FromSeconds(30);
    private readonly TaskCompletionSource _bound = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _received;
    private long _applied;

    /// <summary>Completes once the queue is bound the first time (tests wait on it before they act in Nova).</summary>
    public Task Bound => _bound.Task;

    /// <summary>Whether the queue is bound now (false while the connection to the cloud's RabbitMQ is down).</summary>
    public bool Connected { get; private set; }

    public long Received => Interlocked.Read(ref _received);
    public long Applied => Interlocked.Read(ref _applied);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var meter = meters.Create("Doctor.Cloud");
        meter.CreateObservableCounter("doctor_cloud_notifications_received", () => Received, description: "Nova notifications received from the cloud's RabbitMQ");
        meter.CreateObservableCounter("doctor_cloud_notifications_applied", () => Applied, description: "Nova notifications that changed the resource map's inputs (instance or host changes)");
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backOff = TimeSpan.FromSeconds(1);
        var first = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(first, stoppingToken);
                backOff = TimeSpan.FromSeconds(1);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning("OpenStack notifications: {Error}; connecting again in {BackOff} s", e.Message, backOff.TotalSeconds);
            }
            first = false;
            try
            {
                await Task.Delay(backOff, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            backOff = TimeSpan.FromTicks(Math.Min(MaxBackOff.Ticks, backOff.Ticks * 2));
        }
    }

    /// <summary>One connection's life: bind, consume until it drops.</summary>
    private async Task ListenAsync(bool first, CancellationToken ct)
    {
        var factory = new ConnectionFactory { Uri = new Uri(options.NotificationsUrl), ClientProvidedName = "doctor-nova-notifications", AutomaticRecoveryEnabled = false };
        await using var connection = await factory.CreateConnectionAsync(ct);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.ConnectionShutdownAsync += (_, args) =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        await EnsureExchangeAsync(connection, ct);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        var queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, cancellationToken: ct)).QueueName;
        foreach (var priority in new[] { "info", "error" })
            await channel.QueueBindAsync(queue, options.NotificationsExchange, $"{options.NotificationsTopic}.{priority}", cancellationToken: ct);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            Interlocked.Increment(ref _received);
            if (NovaNotification.Parse(delivery.Body.Span) is { } change)
            {
                Interlocked.Increment(ref _applied);
                cloud.Raise(change);
            }
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer, ct);
        logger.LogInformation("OpenStack notifications: listening on exchange {Exchange} for {Topic}.info/.error", options.NotificationsExchange, options.NotificationsTopic);
        if (!first)
            cloud.Raise(new InfrastructureChange(InfrastructureChange.TopologyReplaced, null, null, null));
        _bound.TrySetResult();
        Connected = true;
        try
        {
            await closed.Task.WaitAsync(ct);
        }
        finally
        {
            Connected = false;
        }
        throw new InvalidOperationException("the connection to the cloud's RabbitMQ closed");
    }

    /// <summary>
    /// Nova declares its exchange on its first notification; before that there is none to bind to. Declared passively first
    /// (whatever durability the cloud chose), else as oslo.messaging declares it by default (topic, not durable).
    /// </summary>
    private async Task EnsureExchangeAsync(IConnection connection, CancellationToken ct)
    {
        await using var probe = await connection.CreateChannelAsync(cancellationToken: ct);
        try
        {
            await probe.ExchangeDeclarePassiveAsync(options.NotificationsExchange, ct);
            return;
        }
        catch (OperationInterruptedException)
        {
        }
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        await channel.ExchangeDeclareAsync(options.NotificationsExchange, ExchangeType.Topic, durable: false, autoDelete: false, cancellationToken: ct);
    }
}
