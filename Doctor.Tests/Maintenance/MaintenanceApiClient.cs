using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Doctor.Workflows.Maintenance;

namespace Doctor.Tests.Maintenance;

/// <summary>What an infrastructure admin does over the Fenix v1 API, for tests.</summary>
public static class MaintenanceApiClient
{
    public static async Task<string> OpenSessionAsync(this HttpClient client, TimeSpan maintenanceIn, object? extra = null, string? policy = null)
    {
        var body = new JsonObject
        {
            ["hosts"] = new JsonArray(),
            ["state"] = "MAINTENANCE",
            ["maintenance_at"] = FenixTime.ToFenix(DateTimeOffset.UtcNow + maintenanceIn),
            ["workflow"] = "default",
            ["metadata"] = new JsonObject { ["openstack_version"] = "Rocky" },
            ["actions"] = new JsonArray(new JsonObject { ["plugin"] = "dummy", ["type"] = "host", ["metadata"] = new JsonObject { ["duration_ms"] = 10 } }),
        };
        if (policy is not null)
            body["subscription_policy"] = policy;
        if (extra is not null)
            foreach (var (k, v) in JsonSerializerNode(extra))
                body[k] = v?.DeepClone();
        var response = await client.PostAsJsonAsync("/v1/maintenance", body);
        var text = await response.Content.ReadAsStringAsync();
        // On a loaded machine a few seconds can pass before the request is read: ask again for a time still ahead.
        for (var retry = 0; retry < 5 && response.StatusCode == System.Net.HttpStatusCode.BadRequest
             && (text.Contains("is in the past") || text.Contains("is too close")); retry++)
        {
            body["maintenance_at"] = FenixTime.ToFenix(DateTimeOffset.UtcNow + maintenanceIn);
            response = await client.PostAsJsonAsync("/v1/maintenance", body);
            text = await response.Content.ReadAsStringAsync();
        }
        Assert.True(response.IsSuccessStatusCode, $"POST /v1/maintenance answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!["session_id"]!.GetValue<string>();
    }

    public static async Task<JsonObject> SessionAsync(this HttpClient client, string sessionId) =>
        (await client.GetFromJsonAsync<JsonObject>($"/v1/maintenance/{sessionId}"))!;

    /// <summary>Polls until the session reaches one of <paramref name="states"/>; a bound, not a timing assertion.</summary>
    public static async Task<JsonObject> WaitForStateAsync(this HttpClient client, string sessionId, TimeSpan within, params string[] states)
    {
        var until = DateTime.UtcNow + within;
        JsonObject session;
        do
        {
            session = await client.SessionAsync(sessionId);
            // A final state is entered one append before the session's closing event: wait for that too.
            if (states.Contains(session["state"]!.GetValue<string>())
                && (session["state"]!.GetValue<string>() is not ("MAINTENANCE_DONE" or "MAINTENANCE_FAILED") || await IsClosedAsync(client, sessionId)))
                return session;
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < until);
        Assert.Fail($"session {sessionId} did not reach {string.Join("/", states)} within {within}; it is {session.ToJsonString()}");
        return session;
    }

    private static async Task<bool> IsClosedAsync(HttpClient client, string sessionId) =>
        (await client.HistoryAsync(sessionId)).Any(e => e!["type"]!.GetValue<string>() is "maintenance.session_done.v1" or "maintenance.session_failed.v1");

    public static async Task<JsonArray> HistoryAsync(this HttpClient client, string sessionId) =>
        (await client.GetFromJsonAsync<JsonObject>($"/v1/maintenance/{sessionId}/history"))!["events"]!.AsArray();

    private static JsonObject JsonSerializerNode(object o) => (JsonObject)System.Text.Json.JsonSerializer.SerializeToNode(o)!;
}
