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
/// Like a VNFM that must live through Doctor restarts, it acts once per notification (by <c>message_id</c>; a
/// notification delivered again only gets its reply again) and retries its calls while Doctor is unreachable.
/// It talks to Doctor with its project's token, as a real VNFM does; the simulated cloud (which stands for the cloud's
/// own API, Nova/Neutron, where the VNFM has credentials of its own) is reached through a separate admin client.
/// </summary>
public sealed class SampleAppManager : IAsyncDisposable
{
    private readonly WebApplication _listener;
    private readonly HttpClient _doctor;
    private readonly IVnfCloud _cloud;
    private readonly bool _ownsDoctorClient;
    private readonly string _projectId;
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private readonly ConcurrentDictionary<string, string> _replied = new(StringComparer.Ordinal);

    private SampleAppManager(WebApplication listener, HttpClient doctor, IVnfCloud cloud, string projectId, bool ownsDoctorClient)
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

    /// <summary>Deliveries received per <c>X-Doctor-Event-Id</c> (or per message id when the header is absent).</summary>
    public ConcurrentDictionary<string, int> Deliveries { get; } = new(StringComparer.Ordinal);

    /// <summary>Deliveries received per notification <c>message_id</c> (one notification, however many alarms or retries).</summary>
    public ConcurrentDictionary<string, int> Messages { get; } = new(StringComparer.Ordinal);

    /// <summary>The <c>X-Doctor-Event-Id</c>s each notification <c>message_id</c> arrived with (one per subscriber and endpoint, however often repeated).</summary>
    public ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> EventIds { get; } = new(StringComparer.Ordinal);

    /// <summary>When set, the links in notifications (<c>reply_url</c>, <c>instance_ids</c>) are followed on this base URL instead (another node of the same Doctor).</summary>
    public string? ReplyBaseUrl { get; set; }

    /// <summary>How long the manager takes before answering a notification (a first answer; a resent one goes at once).</summary>
    public TimeSpan ReplyDelay { get; set; } = TimeSpan.Zero;

    /// <summary>How long a call waits for an unreachable Doctor (restarting) before it counts as an error.</summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromSeconds(90);

    public string Url { get; private set; } = "";

    /// <summary>A manager for <paramref name="projectId"/> on <paramref name="server"/>, with a fresh project token.</summary>
    public static async Task<SampleAppManager> StartAsync(DoctorServer server, string projectId) =>
        await StartAsync(await server.ProjectClientAsync(projectId, "sample-app-manager"), server.Client, projectId, ownsDoctorClient: true);

    /// <summary>A manager that speaks to Doctor and to the simulated cloud with one client (an admin's, e.g. a service process's).</summary>
    public static Task<SampleAppManager> StartAsync(HttpClient admin, string projectId) => StartAsync(admin, admin, projectId);

    /// <param name="doctor">Doctor's API with the project's token.</param>
    /// <param name="cloud">The simulated cloud's API (admin).</param>
    public static Task<SampleAppManager> StartAsync(HttpClient doctor, HttpClient cloud, string projectId, bool ownsDoctorClient = false) =>
        StartAsync(doctor, new SimulatedVnfCloud(cloud, SendWithRetryAsync), projectId, ownsDoctorClient);

    /// <summary>A manager for <paramref name="projectId"/> on <paramref name="server"/> that acts in <paramref name="cloud"/> (e.g. real Nova).</summary>
    public static async Task<SampleAppManager> StartAsync(DoctorServer server, string projectId, IVnfCloud cloud) =>
        await StartAsync(await server.ProjectClientAsync(projectId, "sample-app-manager"), cloud, projectId, ownsDoctorClient: true);

    /// <param name="doctor">Doctor's API with the project's token.</param>
    /// <param name="cloud">The cloud's own API, with the VNFM's credentials.</param>
    public static async Task<SampleAppManager> StartAsync(HttpClient doctor, IVnfCloud cloud, string projectId, bool ownsDoctorClient = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var manager = new SampleAppManager(app, doctor, cloud, projectId, ownsDoctorClient);
        app.MapPost("/maintenance", async (HttpContext http) =>
        {
            var body = await JsonNode.ParseAsync(http.Request.Body);
            var messageId = body?["reason_data"]?["event"]?["message_id"]?.ToString() ?? "";
            var eventId = http.Request.Headers["X-Doctor-Event-Id"].ToString() is { Length: > 0 } header ? header : messageId;
            manager.Deliveries.AddOrUpdate(eventId, 1, (_, n) => n + 1);
            manager.Messages.AddOrUpdate(messageId, 1, (_, n) => n + 1);
            manager.EventIds.GetOrAdd(messageId, _ => new(StringComparer.Ordinal)).TryAdd(eventId, 0);
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
            var messageId = alarm["reason_data"]!["event"]!["message_id"]?.ToString() ?? Guid.NewGuid().ToString();
            var state = traits["state"];
            if (_replied.TryGetValue(messageId, out var sent))
            {
                // Delivered again (Doctor restarted before it saw the delivery through): the answer stands, only resend it.
                await ReplyAsync(traits["reply_url"], JsonNode.Parse(sent)!, state, resend: true);
                return;
            }
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
            JsonObject? affected;
            switch (state)
            {
                case "SCALE_IN" when answer == "ACK":
                    await ScaleInAsync();
                    break;
                case "PREPARE_MAINTENANCE" or "PLANNED_MAINTENANCE" when answer == "ACK":
                    using (var listed = await SendAsync(_doctor, () => new HttpRequestMessage(HttpMethod.Get, Rebase(traits["instance_ids"]))))
                        affected = await listed.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>();
                    var ids = affected!["instance_ids"]!.AsArray().Select(i => i!.GetValue<string>()).ToList();
                    await SwitchOverAsync(ids);
                    foreach (var id in ids)
                        actions[id] = "MIGRATE";
                    break;
                case "MAINTENANCE_COMPLETE" when answer == "ACK":
                    await ScaleOutAsync();
                    break;
            }
            if (BeforeReply is { } hook)
                await hook(state);
            var replyBody = JsonSerializer.SerializeToNode(new { state = $"{answer}_{state}", instance_actions = actions, session_id = traits["session_id"] })!;
            _replied[messageId] = replyBody.ToJsonString();
            if (ReplyDelay > TimeSpan.Zero)
                await Task.Delay(ReplyDelay);
            await ReplyAsync(replyUrl, replyBody, state, resend: false);
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

    private async Task ReplyAsync(string replyUrl, JsonNode body, string state, bool resend)
    {
        using var reply = await SendAsync(_doctor, () => new HttpRequestMessage(HttpMethod.Put, Rebase(replyUrl)) { Content = JsonContent.Create(body) });
        // A resent answer may find the window closed by the first one: that is the answer standing, not an error.
        if (!reply.IsSuccessStatusCode && !(resend && reply.StatusCode == System.Net.HttpStatusCode.Conflict))
            _errors.Enqueue($"{state}: reply answered {(int)reply.StatusCode} {await reply.Content.ReadAsStringAsync()}");
    }

    private string Rebase(string url) => ReplyBaseUrl is null ? url : ReplyBaseUrl.TrimEnd('/') + new Uri(url).PathAndQuery;

    /// <summary>Called before the answer to a notification of that state goes out (a test acts in the cloud at that instant).</summary>
    public Func<string, Task>? BeforeReply { get; set; }

    private Task<HttpResponseMessage> SendAsync(HttpClient client, Func<HttpRequestMessage> request) => SendWithRetryAsync(client, request, RetryFor);

    private static Task<HttpResponseMessage> SendWithRetryAsync(HttpClient client, Func<HttpRequestMessage> request) =>
        SendWithRetryAsync(client, request, TimeSpan.FromSeconds(90));

    /// <summary>Sends, and sends again while Doctor cannot be reached (it restarts) or answers 503, up to <paramref name="retryFor"/>.</summary>
    private static async Task<HttpResponseMessage> SendWithRetryAsync(HttpClient client, Func<HttpRequestMessage> request, TimeSpan retryFor)
    {
        var until = DateTime.UtcNow + retryFor;
        while (true)
        {
            try
            {
                var response = await client.SendAsync(request());
                if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable || DateTime.UtcNow > until)
                    return response;
                response.Dispose();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && DateTime.UtcNow < until)
            {
            }
            await Task.Delay(200);
        }
    }

    private async Task ScaleInAsync()
    {
        foreach (var victim in (await _cloud.InstancesAsync(_projectId)).Where(i => i.Name.StartsWith("nonha", StringComparison.Ordinal)).Take(2))
            await _cloud.DeleteAsync(victim.Id);
    }

    private async Task ScaleOutAsync()
    {
        for (var i = 0; i < 2; i++)
            await _cloud.CreateAsync(_projectId, $"nonha-scaled-{Guid.NewGuid():N}"[..20]);
    }

    /// <summary>The active HA instance holds the service address: hand it to the standby before the active one moves.</summary>
    private async Task SwitchOverAsync(IReadOnlyList<string> moving)
    {
        var instances = await _cloud.InstancesAsync(_projectId);
        var active = instances.FirstOrDefault(i => i.Active && moving.Contains(i.Id));
        if (active is null)
            return;
        var standby = instances.FirstOrDefault(i => i.Name.StartsWith("ha", StringComparison.Ordinal) && !moving.Contains(i.Id));
        if (standby is null)
            return;
        await _cloud.SwitchOverAsync(active, standby);
    }

    public async ValueTask DisposeAsync()
    {
        await _listener.StopAsync();
        await _listener.DisposeAsync();
        if (_ownsDoctorClient)
            _doctor.Dispose();
    }
}
