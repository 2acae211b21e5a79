using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Doctor.Tests.Maintenance;

/// <summary>
/// A VNFM that behaves like OPNFV Doctor's sample app manager, speaking only the public contracts: it creates an Aodh
/// event alarm on maintenance.scheduled for its project, listens on a real Kestrel port, and on each notification acts
/// and answers on reply_url — ACK_MAINTENANCE; on SCALE_IN deletes two non-HA instances; on PREPARE/PLANNED moves the
/// floating IP off an instance about to move and answers MIGRATE for each; on MAINTENANCE_COMPLETE scales back out.
/// It talks to Doctor with its project's token, as a real VNFM does; the simulated cloud (which stands for the cloud's
/// own API, Nova/Neutron, where the VNFM has credentials of its own) is reached through a separate admin client.
/// </summary>
public sealed class SampleAppManager : IAsyncDisposable
{
    private readonly WebApplication _listener;
    private readonly HttpClient _doctor;
    private readonly HttpClient _cloud;
    private readonly bool _ownsDoctorClient;
    private readonly string _projectId;
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    private SampleAppManager(WebApplication listener, HttpClient doctor, HttpClient cloud, string projectId, bool ownsDoctorClient)
    {
        _listener = listener;
        _doctor = doctor;
        _cloud = cloud;
        _projectId = projectId;
        _ownsDoctorClient = ownsDoctorClient;
    }

    /// <summary>States this manager has been told about, in order (maintenance.scheduled "state" trait).</summary>
    public ConcurrentQueue<string> StatesSeen { get; } = new();

    /// <summary>Instances reported done by INSTANCE_ACTION_DONE.</summary>
    public ConcurrentQueue<string> InstancesDone { get; } = new();

    /// <summary>What to answer per state; default ACK. Set e.g. ["MAINTENANCE"] = "NACK" or "SILENT".</summary>
    public ConcurrentDictionary<string, string> Answers { get; } = new();

    public IReadOnlyCollection<string> Errors => _errors;

    public string Url { get; private set; } = "";

    /// <summary>A manager for <paramref name="projectId"/> on <paramref name="server"/>, with a fresh project token.</summary>
    public static async Task<SampleAppManager> StartAsync(DoctorServer server, string projectId) =>
        await StartAsync(await server.ProjectClientAsync(projectId, "sample-app-manager"), server.Client, projectId, ownsDoctorClient: true);

    /// <param name="doctor">Doctor's API with the project's token.</param>
    /// <param name="cloud">The simulated cloud's API (admin).</param>
    public static async Task<SampleAppManager> StartAsync(HttpClient doctor, HttpClient cloud, string projectId, bool ownsDoctorClient = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var manager = new SampleAppManager(app, doctor, cloud, projectId, ownsDoctorClient);
        app.MapPost("/maintenance", async (HttpContext http) =>
        {
            var body = await JsonNode.ParseAsync(http.Request.Body);
            // Answer the webhook at once and act in the background, as a VNFM would.
            _ = Task.Run(() => manager.OnAlarmAsync(body!));
            return Results.Ok();
        });
        await app.StartAsync();
        manager.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return manager;
    }

    /// <summary>Creates the Aodh alarm the Doctor sample app manager creates.</summary>
    public async Task SubscribeAsync()
    {
        var response = await _doctor.PostAsJsonAsync("/v2/alarms", new
        {
            name = $"{_projectId}-maintenance",
            type = "event",
            project_id = _projectId,
            event_rule = new
            {
                event_type = "maintenance.scheduled",
                query = new[] { new { field = "traits.project_id", op = "eq", value = _projectId, type = "string" } },
            },
            alarm_actions = new[] { $"{Url}/maintenance" },
            repeat_actions = true,
            severity = "moderate",
        });
        response.EnsureSuccessStatusCode();
    }

    private async Task OnAlarmAsync(JsonNode alarm)
    {
        await _oneAtATime.WaitAsync();
        try
        {
            var traits = alarm["reason_data"]!["event"]!["traits"]!.AsArray()
                .ToDictionary(t => t![0]!.GetValue<string>(), t => t![2]?.ToString() ?? "");
            var state = traits["state"];
            StatesSeen.Enqueue(state);
            if (state == "INSTANCE_ACTION_DONE")
            {
                InstancesDone.Enqueue(traits["instance_ids"]);
                return;
            }
            var answer = Answers.GetValueOrDefault(state, "ACK");
            if (answer == "SILENT")
                return;
            var replyUrl = traits["reply_url"];
            var actions = new Dictionary<string, string>();
            switch (state)
            {
                case "SCALE_IN" when answer == "ACK":
                    await ScaleInAsync();
                    break;
                case "PREPARE_MAINTENANCE" or "PLANNED_MAINTENANCE" when answer == "ACK":
                    var affected = await _doctor.GetFromJsonAsync<JsonObject>(traits["instance_ids"]);
                    var ids = affected!["instance_ids"]!.AsArray().Select(i => i!.GetValue<string>()).ToList();
                    await SwitchOverAsync(ids);
                    foreach (var id in ids)
                        actions[id] = "MIGRATE";
                    break;
                case "MAINTENANCE_COMPLETE" when answer == "ACK":
                    await ScaleOutAsync();
                    break;
            }
            var reply = await _doctor.PutAsJsonAsync(replyUrl, new { state = $"{answer}_{state}", instance_actions = actions, session_id = traits["session_id"] });
            if (!reply.IsSuccessStatusCode)
                _errors.Enqueue($"{state}: reply answered {(int)reply.StatusCode} {await reply.Content.ReadAsStringAsync()}");
        }
        catch (Exception e)
        {
            _errors.Enqueue(e.ToString());
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private async Task<List<JsonObject>> InstancesAsync() =>
        (await _cloud.GetFromJsonAsync<List<JsonObject>>($"/v1/infra/instances?project_id={_projectId}"))!;

    private async Task ScaleInAsync()
    {
        foreach (var victim in (await InstancesAsync()).Where(i => i["name"]!.GetValue<string>().StartsWith("nonha", StringComparison.Ordinal)).Take(2))
            (await _cloud.DeleteAsync($"/v1/infra/instances/{victim["id"]!.GetValue<string>()}")).EnsureSuccessStatusCode();
    }

    private async Task ScaleOutAsync()
    {
        for (var i = 0; i < 2; i++)
            (await _cloud.PostAsJsonAsync("/v1/infra/instances", new { project_id = _projectId, name = $"nonha-scaled-{Guid.NewGuid():N}"[..20], vcpus = 1 }))
                .EnsureSuccessStatusCode();
    }

    /// <summary>The active HA instance holds the floating IP: hand it to the standby before the active one moves.</summary>
    private async Task SwitchOverAsync(IReadOnlyList<string> moving)
    {
        var instances = await InstancesAsync();
        var active = instances.FirstOrDefault(i => i["floating_ip"] is JsonValue && moving.Contains(i["id"]!.GetValue<string>()));
        if (active is null)
            return;
        var standby = instances.FirstOrDefault(i => i["name"]!.GetValue<string>().StartsWith("ha", StringComparison.Ordinal)
                                                    && !moving.Contains(i["id"]!.GetValue<string>()));
        if (standby is null)
            return;
        var ip = active["floating_ip"]!.GetValue<string>();
        (await _cloud.PutAsJsonAsync($"/v1/infra/floating_ips/{ip}", new { instance_id = standby["id"]!.GetValue<string>() })).EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        await _listener.StopAsync();
        await _listener.DisposeAsync();
        if (_ownsDoctorClient)
            _doctor.Dispose();
    }
}
