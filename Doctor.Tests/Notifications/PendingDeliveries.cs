using System.Text;
using Doctor.Workflows.Notifications.Delivery;

namespace Doctor.Tests.Notifications;

/// <summary>Deliveries as the router makes them (id, message, feed position), each with a small body of its own.</summary>
public static class PendingDeliveries
{
    public static List<WebhookDelivery> Make(Uri endpoint, int count, long seqFrom, string subscriber) =>
        [.. Enumerable.Range(0, count).Select(i =>
        {
            var id = Guid.NewGuid();
            return new WebhookDelivery(endpoint, id.ToString(), Encoding.UTF8.GetBytes($"{{\"n\":{seqFrom + i}}}"), subscriber)
            {
                Id = id,
                MessageId = $"m-{seqFrom + i}-{id:N}",
                Seq = seqFrom + i,
            };
        })];
}
