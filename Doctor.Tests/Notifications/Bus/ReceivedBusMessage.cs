using System.Text.Json.Nodes;

namespace Doctor.Tests.Notifications.Bus;

/// <summary>One message as a plain AMQP consumer receives it: routing key, AMQP properties, the JSON body.</summary>
public sealed record ReceivedBusMessage(string RoutingKey, string? ContentType, string? AmqpMessageId, bool Persistent, JsonObject Body)
{
    public string Text(string name) => Body[name]!.GetValue<string>();

    public string PayloadText(string name) => Body["payload"]![name]!.GetValue<string>();
}
