using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Doctor.Benchmarks.Faults;

/// <summary>
/// What OPNFV Doctor's fault test does, over HTTP and without Python: a topology with the test's VMs on one host, an
/// Aodh event alarm per VM made as its consumer makes them, and the sample monitor's report of the host going down.
/// </summary>
public static class DoctorFaultTest
{
    public const string FailedHost = "compute-0";

    /// <summary>
    /// Seeds compute-0 with <paramref name="vms"/> VMs of <paramref name="owners"/> projects, compute-1 with one VM of
    /// a project that has no alarm (it must not be touched), and an empty compute-2. Returns compute-0's VMs.
    /// </summary>
    public static async Task<IReadOnlyList<(string Id, string ProjectId)>> SeedAsync(HttpClient client, int vms, int owners)
    {
        var projects = Enumerable.Range(0, owners).Select(p => Guid.NewGuid().ToString("N")).ToList();
        var tested = Enumerable.Range(0, vms).Select(i => (Id: Guid.NewGuid().ToString(), ProjectId: projects[i % owners])).ToList();
        var instances = new JsonArray();
        for (var i = 0; i < tested.Count; i++)
            instances.Add(Instance(tested[i].Id, $"doctor_vm{i}", FailedHost, tested[i].ProjectId));
        instances.Add(Instance(Guid.NewGuid().ToString(), "bystander", "compute-1", Guid.NewGuid().ToString("N")));
        var body = new JsonObject
        {
            ["hosts"] = new JsonArray(Host(FailedHost, 2 * vms), Host("compute-1", 2 * vms), Host("compute-2", 2 * vms)),
            ["instances"] = instances,
        };
        using var response = await client.PostAsJsonAsync("/v1/infra/seed", body);
        await EnsureAsync(response, "POST /v1/infra/seed");
        return tested;
    }

    /// <summary>
    /// One event alarm per VM, as Doctor's consumer side makes them: <c>compute.instance.update</c> with the VM's id and
    /// state error, <c>repeat_actions</c> false, the consumer's URL as the action. Made one after the other, as it does.
    /// </summary>
    public static async Task<List<string>> CreateAlarmsAsync(HttpClient client, IReadOnlyList<(string Id, string ProjectId)> vms, Uri consumer)
    {
        var ids = new List<string>(vms.Count);
        for (var i = 0; i < vms.Count; i++)
        {
            var (vm, project) = vms[i];
            var body = new JsonObject
            {
                ["name"] = $"doctor_alarm{i}",
                ["description"] = "test doctor alarm",
                ["type"] = "event",
                ["project_id"] = project,
                ["severity"] = "moderate",
                ["repeat_actions"] = false,
                ["alarm_actions"] = new JsonArray(new Uri(consumer, $"/failure/{project}").ToString()),
                ["event_rule"] = new JsonObject
                {
                    ["event_type"] = "compute.instance.update",
                    ["query"] = new JsonArray(
                        new JsonObject { ["field"] = "traits.instance_id", ["type"] = "string", ["op"] = "eq", ["value"] = vm },
                        new JsonObject { ["field"] = "traits.state", ["type"] = "string", ["op"] = "eq", ["value"] = "error" }),
                },
            };
            using var response = await client.PostAsJsonAsync("/v2/alarms", body);
            await EnsureAsync(response, "POST /v2/alarms");
            ids.Add(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["alarm_id"]!.GetValue<string>());
        }
        return ids;
    }

    public static async Task DeleteAlarmsAsync(HttpClient client, IEnumerable<string> ids)
    {
        foreach (var id in ids)
        {
            using var response = await client.DeleteAsync($"/v2/alarms/{id}");
            await EnsureAsync(response, $"DELETE /v2/alarms/{id}");
        }
    }

    /// <summary>The sample monitor's body for one event on <paramref name="host"/> (<c>compute.host.down</c> or <c>.up</c>).</summary>
    public static string MonitorReport(string host, string type)
    {
        var up = type.EndsWith(".up", StringComparison.Ordinal);
        var report = new JsonObject
        {
            ["time"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.ffffff", CultureInfo.InvariantCulture),
            ["type"] = type,
            ["details"] = new JsonObject
            {
                ["hostname"] = host,
                ["source"] = "sample_monitor",
                ["cause"] = up ? "link-up" : "link-down",
                ["severity"] = up ? "ok" : "critical",
                ["status"] = up ? "up" : "down",
                ["monitor_id"] = "monitor_sample_id1",
                ["monitor_event_id"] = Guid.NewGuid().ToString(),
            },
        };
        return new JsonArray(report).ToJsonString();
    }

    /// <summary>PUTs a prepared monitor report; returns the answer (its <c>incidents</c>).</summary>
    public static async Task<JsonNode> ReportAsync(HttpClient client, string body)
    {
        using var response = await client.PutAsync("/v1/inspector/events", new StringContent(body, Encoding.UTF8, "application/json"));
        await EnsureAsync(response, "PUT /v1/inspector/events");
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    /// <summary>Waits until the incident's fencing is done (host, instances and ports marked, or an action failed).</summary>
    public static Task<JsonNode> WhenFencedAsync(HttpClient client, string incidentId) => PollAsync(client, incidentId, "fenced", incident =>
        incident["failed_actions"]!.AsArray().Count > 0
        || incident["host_marked_down"]!.GetValue<bool>() && incident["instances_marked_error"]!.GetValue<bool>() && incident["ports_marked_down"]!.GetValue<bool>());

    public static Task<JsonNode> WhenResolvedAsync(HttpClient client, string incidentId) =>
        PollAsync(client, incidentId, "resolved", incident => incident["status"]!.GetValue<string>() == "resolved");

    /// <summary>The incident's profile stages: name → ms since receipt.</summary>
    public static async Task<Dictionary<string, double>> StagesAsync(HttpClient client, string incidentId)
    {
        var profile = JsonNode.Parse(await client.GetStringAsync($"/v1/incidents/{incidentId}/profile"))!;
        return profile["stages"]!.AsArray().ToDictionary(s => s!["stage"]!.GetValue<string>(), s => s!["since_received_ms"]!.GetValue<double>());
    }

    private static async Task<JsonNode> PollAsync(HttpClient client, string incidentId, string what, Func<JsonNode, bool> done)
    {
        var until = Stopwatch.GetTimestamp() + 30 * Stopwatch.Frequency;
        while (true)
        {
            var incident = JsonNode.Parse(await client.GetStringAsync($"/v1/incidents/{incidentId}"))!;
            if (done(incident))
                return incident;
            if (Stopwatch.GetTimestamp() > until)
                throw new TimeoutException($"incident {incidentId} not {what} within 30 s: {incident.ToJsonString()}");
            await Task.Delay(20);
        }
    }

    private static JsonObject Host(string name, int vcpus) => new() { ["name"] = name, ["vcpus"] = vcpus };

    private static JsonObject Instance(string id, string name, string host, string project) =>
        new() { ["id"] = id, ["name"] = name, ["host"] = host, ["project_id"] = project, ["vcpus"] = 1 };

    private static async Task EnsureAsync(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
