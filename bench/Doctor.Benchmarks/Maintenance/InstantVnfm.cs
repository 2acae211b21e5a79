using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Doctor.Benchmarks.Maintenance;

/// <summary>
/// The VNFMs of every project in one real Kestrel listener, answering at once: each project has an Aodh event alarm on
/// maintenance.scheduled pointing at <c>/maintenance/{project}</c>; on a notification it ACKs on reply_url, and in
/// PREPARE/PLANNED_MAINTENANCE first reads the affected instances (the instance_ids link) and answers MIGRATE for each.
/// It does no scaling, so what is measured is the engine, not the application.
/// </summary>
public sealed class InstantVnfm : IAsyncDisposable
{
    private readonly WebApplication _listener;
    private readonly HttpClient _doctor;
    private readonly ConcurrentQueue<string> _errors = new();
    private long _notifications;
    private long _replies;

    private InstantVnfm(WebApplication listener, HttpClient doctor)
    {
        _listener = listener;
        _doctor = doctor;
    }

    public string Url { get; private set; } = "";
    public IReadOnlyCollection<string> Errors => _errors;
    public long Notifications => Interlocked.Read(ref _notifications);
    public long Replies => Interlocked.Read(ref _replies);

    /// <summary>Per webhook: from the notification's "generated" time (its append) to its arrival here, in ms.</summary>
    public ConcurrentQueue<double> DeliveryLatenciesMs { get; } = new();

    public static async Task<InstantVnfm> StartAsync(HttpClient doctor)
    {
        var app = LoopbackApp.Create();
        var vnfm = new InstantVnfm(app, doctor);
        app.MapPost("/maintenance/{project}", async (string project, HttpContext http) =>
        {
            var body = await JsonNode.ParseAsync(http.Request.Body);
            if (DateTimeOffset.TryParse(body?["reason_data"]?["event"]?["generated"]?.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture, out var generated))
                vnfm.DeliveryLatenciesMs.Enqueue((DateTimeOffset.UtcNow - generated).TotalMilliseconds);
            // Answer the webhook at once and act in the background, as a VNFM would.
            _ = Task.Run(() => vnfm.OnAlarmAsync(project, body!));
            return Results.Ok();
        });
        vnfm.Url = (await LoopbackApp.StartAsync(app)).GetLeftPart(UriPartial.Authority);
        return vnfm;
    }

    /// <summary>Creates the project's Aodh alarm, as Doctor's sample app manager does.</summary>
    public async Task SubscribeAsync(string projectId)
    {
        var response = await _doctor.PostAsJsonAsync("/v2/alarms", new
        {
            name = $"{projectId}-maintenance",
            type = "event",
            project_id = projectId,
            event_rule = new
            {
                event_type = "maintenance.scheduled",
                query = new[] { new { field = "traits.project_id", op = "eq", value = projectId, type = "string" } },
            },
            alarm_actions = new[] { $"{Url}/maintenance/{projectId}" },
            repeat_actions = true,
            severity = "moderate",
        });
        response.EnsureSuccessStatusCode();
    }

    private async Task OnAlarmAsync(string project, JsonNode alarm)
    {
        Interlocked.Increment(ref _notifications);
        try
        {
            var traits = alarm["reason_data"]!["event"]!["traits"]!.AsArray()
                .ToDictionary(t => t![0]!.GetValue<string>(), t => t![2]?.ToString() ?? "");
            var state = traits["state"];
            if (state == "INSTANCE_ACTION_DONE")
                return;
            var actions = new Dictionary<string, string>();
            if (state is "PREPARE_MAINTENANCE" or "PLANNED_MAINTENANCE")
            {
                var affected = await _doctor.GetFromJsonAsync<JsonObject>(traits["instance_ids"]);
                foreach (var id in affected!["instance_ids"]!.AsArray())
                    actions[id!.GetValue<string>()] = "MIGRATE";
            }
            var reply = await _doctor.PutAsJsonAsync(traits["reply_url"], new { state = $"ACK_{state}", instance_actions = actions, session_id = traits["session_id"] });
            Interlocked.Increment(ref _replies);
            if (!reply.IsSuccessStatusCode)
                _errors.Enqueue($"{project} {state}: reply answered {(int)reply.StatusCode} {await reply.Content.ReadAsStringAsync()}");
        }
        catch (Exception e)
        {
            _errors.Enqueue($"{project}: {e}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _listener.StopAsync();
        await _listener.DisposeAsync();
    }
}
