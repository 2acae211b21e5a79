using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Doctor.Tests.Notifications.Bus;

/// <summary>
/// A consumer as OpenStack services write them, with RabbitMQ.Client only: its own exclusive queue bound to the topic
/// exchange <c>doctor</c> with a routing key pattern, collecting every message.
/// </summary>
public sealed class BrokerQueue : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;

    private BrokerQueue(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    public ConcurrentQueue<ReceivedBusMessage> Received { get; } = new();

    public ConcurrentQueue<string> Unreadable { get; } = new();

    public static async Task<BrokerQueue> BindAsync(Uri broker, string routingKey)
    {
        var connection = await new ConnectionFactory { Uri = broker }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        // Declared as Doctor declares it (durable topic), so whichever comes first, both agree.
        await channel.ExchangeDeclareAsync("doctor", ExchangeType.Topic, durable: true, autoDelete: false);
        var queue = await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true);
        await channel.QueueBindAsync(queue.QueueName, "doctor", routingKey);
        var self = new BrokerQueue(connection, channel);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            var text = System.Text.Encoding.UTF8.GetString(delivery.Body.Span);
            try
            {
                var properties = delivery.BasicProperties;
                self.Received.Enqueue(new ReceivedBusMessage(delivery.RoutingKey, properties.ContentType, properties.MessageId,
                    properties.DeliveryMode == DeliveryModes.Persistent, JsonNode.Parse(text)!.AsObject()));
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
            {
                self.Unreadable.Enqueue(text);
            }
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer);
        return self;
    }

    /// <summary>Waits (polling, generous deadline) until <paramref name="done"/> holds for what was received.</summary>
    public async Task<IReadOnlyList<ReceivedBusMessage>> WaitForAsync(Func<IReadOnlyList<ReceivedBusMessage>, bool> done, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var seen = Received.ToArray();
            if (done(seen))
                return seen;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"after {within.TotalSeconds:0} s the queue holds {seen.Length} messages: {string.Join(" | ", seen.Select(m => $"{m.RoutingKey} {m.Body["payload"]?.ToJsonString()}"))}");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
