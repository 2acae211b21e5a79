using Doctor.AdminApi.Errors;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Doctor.Workflows.Notifications;
using Doctor.Workflows.Notifications.Alarms;
using Doctor.Workflows.Notifications.Delivery;
using Doctor.Workflows.Notifications.Targets;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Doctor.AdminApi.Alarms;

/// <summary>Aodh's <c>/v2/alarms</c> for event alarms: create, list, show, delete.</summary>
public static class AlarmEndpoints
{

    public static RouteGroupBuilder MapAlarmApi(this IEndpointRouteBuilder routes)
    {
        var alarms = routes.MapGroup("/v2/alarms").WithTags("Alarms");
        alarms.MapPost("", CreateAsync);
        alarms.MapGet("", ListAsync);
        alarms.MapGet("/{id}", GetAsync);
        alarms.MapDelete("/{id}", DeleteAsync);
        alarms.MapGet("/{id}/history", HistoryAsync);
        return alarms;
    }

    private static async Task<Results<Created<AodhAlarmView>, ProblemHttpResult>> CreateAsync(
        HttpRequest request, ClaimsPrincipal user, AlarmDirectory directory, WebhookSecrets secrets, WebhookTargetPolicy targets, TimeProvider clock, CancellationToken ct)
    {
        if (AlarmCaller.From(user, out var refusal) is not { } caller)
            return Forbidden(refusal!);
        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(request.Body, documentOptions: StrictJson.Document, cancellationToken: ct);
        }
        catch (JsonException e)
        {
            return BadRequest($"body: malformed JSON ({e.Message})");
        }
        var alarm = AlarmRequest.TryRead(body, caller, Guid.NewGuid(), AlarmRepository.Timestamp(clock), out var problem);
        if (alarm is null)
            return BadRequest(problem!);
        foreach (var (member, urls) in new[] { ("alarm_actions", alarm.AlarmActions), ("ok_actions", alarm.OkActions), ("insufficient_data_actions", alarm.InsufficientDataActions) })
        {
            for (var i = 0; i < urls.Count; i++)
            {
                if (await targets.CheckAsync(urls[i], $"{member}[{i}]", ct) is { } refused)
                    return BadRequest(refused);
            }
        }
        // The secret first: the alarm can fire as soon as it exists, and every firing must be signed.
        var secret = await secrets.CreateAsync(NotificationRouter.AlarmSubscriber(alarm.Id), ct);
        await directory.CreateAsync(alarm, ct);
        return TypedResults.Created($"/v2/alarms/{alarm.Id}", AodhAlarmView.Of(alarm) with { Secret = secret });
    }

    private static async Task<Results<Ok<List<AodhAlarmView>>, ProblemHttpResult>> ListAsync(
        HttpRequest request, ClaimsPrincipal user, AlarmDirectory directory, CancellationToken ct)
    {
        if (AlarmCaller.From(user, out var refusal) is not { } caller)
            return Forbidden(refusal!);
        if (AlarmListFilter.TryRead(request.Query, out var problem) is not { } filter)
            return BadRequest(problem!);
        await directory.EnsureLoadedAsync(ct);
        return TypedResults.Ok(directory.All.Where(a => caller.Owns(a) && filter.Accepts(a)).Select(AodhAlarmView.Of).ToList());
    }

    private static async Task<Results<Ok<AodhAlarmView>, ProblemHttpResult>> GetAsync(
        string id, ClaimsPrincipal user, AlarmDirectory directory, CancellationToken ct)
    {
        if (AlarmCaller.From(user, out var refusal) is not { } caller)
            return Forbidden(refusal!);
        await directory.EnsureLoadedAsync(ct);
        return Visible(id, caller, directory) is { } alarm ? TypedResults.Ok(AodhAlarmView.Of(alarm)) : NotFound(id);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string id, ClaimsPrincipal user, AlarmDirectory directory, WebhookSecrets secrets, CancellationToken ct)
    {
        if (AlarmCaller.From(user, out var refusal) is not { } caller)
            return Forbidden(refusal!);
        await directory.EnsureLoadedAsync(ct);
        if (Visible(id, caller, directory) is not { } alarm || !await directory.DeleteAsync(alarm.Id, ct))
            return NotFound(id);
        await secrets.DeleteAsync(NotificationRouter.AlarmSubscriber(alarm.Id), ct);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Aodh's alarm history, newest first: <c>creation</c> and <c>state transition</c> entries, and — Doctor's addition —
    /// one <c>delivery</c> entry per webhook (its detail says the endpoint, status, attempts and X-Doctor-Event-Id).
    /// </summary>
    private static async Task<Results<Ok<List<AlarmHistoryView>>, ProblemHttpResult>> HistoryAsync(
        string id, ClaimsPrincipal user, AlarmDirectory directory, AlarmRepository repository, DeliveryStore deliveries, CancellationToken ct)
    {
        if (AlarmCaller.From(user, out var refusal) is not { } caller)
            return Forbidden(refusal!);
        await directory.EnsureLoadedAsync(ct);
        if (Visible(id, caller, directory) is not { } alarm)
            return NotFound(id);
        var history = (await repository.ListHistoryAsync(alarm.Id, ct)).Select(e => AlarmHistoryView.Of(alarm, e)).ToList();
        foreach (var delivery in await deliveries.ListBySubscriberAsync(NotificationRouter.AlarmSubscriber(alarm.Id), 1_000, ct))
            history.Add(AlarmHistoryView.Of(alarm, delivery));
        return TypedResults.Ok(history.OrderByDescending(h => h.Timestamp, StringComparer.Ordinal).ToList());
    }

    /// <summary>The alarm if it exists and the caller may see it; another project's alarm is as absent as a missing one.</summary>
    private static EventAlarm? Visible(string id, AlarmCaller caller, AlarmDirectory directory) =>
        Guid.TryParse(id, out var alarmId) && directory.Find(alarmId) is { } alarm && caller.Owns(alarm) ? alarm : null;

    private static ProblemHttpResult BadRequest(string title) => TypedResults.Problem(title: title, statusCode: StatusCodes.Status400BadRequest);

    private static ProblemHttpResult Forbidden(string title) => TypedResults.Problem(title: title, statusCode: StatusCodes.Status403Forbidden);

    private static ProblemHttpResult NotFound(string id) => TypedResults.Problem(title: $"alarm '{id}' not found", statusCode: StatusCodes.Status404NotFound);
}
