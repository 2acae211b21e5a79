using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Doctor.Tests.Faults;

/// <summary>Calls of the fault API used by the tests.</summary>
public static class FaultApi
{
    public static async Task<JsonObject> PutEventsAsync(this HttpClient client, string json)
    {
        using var response = await client.PutAsync("/v1/inspector/events", new StringContent(json, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public static string HostDown(string host, string type = "compute.host.down") =>
        $$$"""[{"id": "monitor-1", "time": "{{{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.ffffff}}}", "type": "{{{type}}}", "details": {"hostname": "{{{host}}}", "status": "down", "monitor": "sample", "monitor_event_id": "1"}}]""";

    public static async Task CreateEventAlarmAsync(this HttpClient client, string projectId, string instanceId, Uri action, string state = "error")
    {
        var body = new JsonObject
        {
            ["name"] = $"doctor-{instanceId}-{state}",
            ["type"] = "event",
            ["project_id"] = projectId,
            ["repeat_actions"] = true,
            ["severity"] = "moderate",
            ["alarm_actions"] = new JsonArray(action.ToString()),
            ["event_rule"] = new JsonObject
            {
                ["event_type"] = "compute.instance.update",
                ["query"] = new JsonArray(
                    new JsonObject { ["field"] = "traits.instance_id", ["op"] = "eq", ["value"] = instanceId, ["type"] = "string" },
                    new JsonObject { ["field"] = "traits.state", ["op"] = "eq", ["value"] = state, ["type"] = "string" }),
            },
        };
        using var response = await client.PostAsJsonAsync("/v2/alarms", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public static async Task<JsonNode> GetJsonAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>Polls until <paramref name="condition"/> holds; fails after a generous deadline.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"not within {seconds} s: {what}");
            await Task.Delay(20);
        }
    }
}
