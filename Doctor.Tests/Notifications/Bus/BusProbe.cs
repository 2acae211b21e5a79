using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace Doctor.Tests.Notifications.Bus;

/// <summary>What the bus tests ask a running Doctor: its /health bus entry, its /metrics, and notifications put in its store.</summary>
public static class BusProbe
{
    /// <summary>Polls <c>GET /health</c> until the overall status and the <c>bus</c> entry are <paramref name="status"/>; answers the last body.</summary>
    public static async Task<JsonObject> WaitForHealthAsync(HttpClient client, string status, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            using var response = await client.GetAsync("/health");
            var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            if (response.StatusCode == HttpStatusCode.OK && body["status"]!.GetValue<string>() == status
                && body["checks"]!["bus"]?["status"]?.GetValue<string>() == status)
                return body;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"/health did not report bus {status} within {within.TotalSeconds:0} s: {(int)response.StatusCode} {body.ToJsonString()}");
            await Task.Delay(200);
        }
    }

    /// <summary>The value of one sample line of <c>GET /metrics</c> (name with its labels, as printed), or null.</summary>
    public static async Task<double?> MetricAsync(HttpClient client, string sample)
    {
        var text = await client.GetStringAsync("/metrics");
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(sample + " ", StringComparison.Ordinal))
                return double.Parse(line[(sample.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        }
        return null;
    }

    public static async Task WaitForMetricAsync(HttpClient client, string sample, Func<double, bool> done, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var value = await MetricAsync(client, sample);
            if (value is { } v && done(v))
                return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{sample} is {value?.ToString() ?? "absent"} after {within.TotalSeconds:0} s");
            await Task.Delay(200);
        }
    }

    /// <summary>Appends a notification to the store as a decision would (its own stream), so the feed carries it to the bus.</summary>
    public static Task<NotificationEmitted> EmitAsync(IServiceProvider services, string eventType, JsonObject payload) =>
        EmitAsync(services.GetRequiredService<IEventStore>(), eventType, payload);

    public static async Task<NotificationEmitted> EmitAsync(IEventStore store, string eventType, JsonObject payload)
    {
        var notification = new NotificationEmitted(Guid.NewGuid().ToString(), eventType, null, payload, DateTimeOffset.UtcNow);
        await store.AppendAsync($"bus-test-{notification.MessageId}", "bus-test", ExpectedVersion.NoStream,
            [new EventToAppend(NotificationEmitted.TypeName, JsonSerializer.Serialize(notification))], EventMetadata.Engine("bus-test"));
        return notification;
    }

    public static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, TimeSpan within, string what) where T : class
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            if (await probe() is { } found)
                return found;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{what} not seen within {within.TotalSeconds:0} s");
            await Task.Delay(100);
        }
    }
}
