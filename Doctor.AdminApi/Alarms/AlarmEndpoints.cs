using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Doctor.AdminApi.Errors;
using Doctor.Workflows.Notifications;
using Doctor.Workflows.Notifications.Alarms;
using Doctor.Workflows.Notifications.Alarms.Queries;
using Doctor.Workflows.Notifications.Delivery;
using Doctor.Workflows.Notifications.Targets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Doctor.AdminApi.Alarms;

/// <summary>
/// Aodh's <c>/v2/alarms</c> for event alarms, with Aodh's semantics: create, list (<c>q.*</c>, sort, limit, marker),
/// show, update (a whole alarm, validated as a create), state, history, delete. A project sees and changes its own
/// alarms only; the admin acts for any project. Also maps the rest of Aodh's API (<see cref="AlarmQueryEndpoints"/>,
/// <see cref="AodhServiceEndpoints"/>).
/// </summary>
public static class AlarmEndpoints
{
    public static RouteGroupBuilder MapAlarmApi(this IEndpointRouteBuilder routes)
    {
        var alarms = routes.MapGroup("/v2/alarms").WithTags("Alarms");
        alarms.MapPost("", CreateAsync).Accepts<JsonObject>("application/json")
            .WithSummary("Create an event alarm (a project's own; the admin may give project_id); the answer carries the signing secret, once");
        alarms.MapGet("", ListAsync).WithSummary("Alarms the caller may see, newest first; q.field/q.op/q.value/q.type filters, sort, limit, marker");
        alarms.MapGet("/{id}", GetAsync).WithSummary("One alarm");
        alarms.MapPut("/{id}", UpdateAsync).Accepts<JsonObject>("application/json")
            .WithSummary("Replace an alarm's definition (a whole alarm, validated as a create); recorded as a 'rule change'");
        alarms.MapDelete("/{id}", DeleteAsync).WithSummary("Delete an alarm and its history");
        alarms.MapGet("/{id}/state", GetStateAsync).WithSummary("The alarm's state, as a JSON string");
        alarms.MapPut("/{id}/state", SetStateAsync).Accepts<string>("application/json")
            .WithSummary("Set the alarm's state (a JSON string: \"ok\", \"alarm\" or \"insufficient data\"); reason 'Manually set via API'");
        alarms.MapGet("/{id}/history", HistoryAsync)
            .WithSummary("The alarm's changes and webhooks, newest first; q.* filters on user_id, project_id, type, severity, timestamp (search_offset), sort, limit, marker");
        routes.MapAlarmQueryApi();
        routes.MapAodhServiceApi();
        return alarms;
    }

    private static async Task<Results<Created<AodhAlarmView>, ProblemHttpResult>> CreateAsync(
        HttpRequest request, ClaimsPrincipal user, AlarmDirectory directory, WebhookSecrets secrets, WebhookTargetPolicy targets, TimeProvider clock, CancellationToken ct)
    {
        if (AlarmCaller.From(user, out var refusal) is not { } caller)
            return AodhProblems.Forbidden(refusal!);
        var (body, bodyProblem) = await ReadBodyAsync(request, ct);
        if (bodyProblem is not null)
            return AodhProblems.BadRequest(bodyProblem);
        var alarm = AlarmRequest.TryRead(body, caller, Guid.NewGuid(), AlarmRepository.Timestamp(clock), out var problem);
        if (alarm is null)
            return AodhProblems.BadRequest(problem!);
        if (await RefusedTargetAsync(alarm, targets, ct) is { } refused)
            return AodhProblems.BadRequest(refused);
        // The secret first: the alarm can fire as soon as it exists, and every firing must be signed.
        var secret = await secrets.CreateAsync(NotificationRouter.AlarmSubscriber(alarm.Id), ct);
        await directory.CreateAsync(alarm, new AlarmAuthor(caller.UserId, caller.ProjectId), ct);
        return TypedResults.Created($"/v2/alarms/{alarm.Id}", AodhAlarmView.Of(alarm) with { Secret = secret });
    }

    private static async Task<Results<Ok<List<AodhAlarmView>>, ProblemHttpResult>> ListAsync(
        HttpRequest request, ClaimsPrincipal user, AlarmDirectory directory, CancellationToken ct,
        [FromQuery(Name = "q.field")] string[]? fields = null, [FromQuery(Name = "q.op")] string[]? ops = null,
        [FromQuery(Name = "q.value")] string[]? values = null, [FromQuery(Name = "q.type")] string[]? types = null,
        [FromQuery(Name = "sort")] string[]? sort = null, [FromQuery(Name = "limit")] string? limit = null, [FromQuery(Name = "marker")] string? marker = null)
    {
        if (AlarmCaller.From(user, out var refusal) is not { } caller)
            return AodhProblems.Forbidden(refusal!);
        if (AlarmListQuery.TryRead(request.Query, caller, out var problem) is not { } query)
            return problem!;
        await directory.EnsureLoadedAsync(ct);
        var visible = directory.All.Where(a => caller.Owns(a) && query.Filter.Accepts(a, AlarmQueryFields.All));
        return query.Paging.TryApply(visible, AlarmQueryFields.All, out var pageProblem) is { } page
            ? TypedResults.Ok(page.ConvertAll(AodhAlarmView.Of))
            : AodhProblems.BadRequest(pageProblem!);
    }

    private static async Task<Results<Ok<AodhAlarmView>, ProblemHttpResult>> GetAsync(
        string id, ClaimsPrincipal user, AlarmDirectory directory, CancellationToken ct)
    {
        if (AlarmCaller.From(user, out var refusal) is not { } caller)
            return AodhProblems.Forbidden(refusal!);
        await directory.EnsureLoadedAsync(ct);
        return Visible(id, caller, directory) is { } alarm ? TypedResults.Ok(AodhAlarmView.Of(alarm)) : NotFound(id);
    }

    /// <summary>
    /// Aodh's PUT: the body is the whole alarm (what python-aodhclient and Heat send: the alarm as shown, with their
    /// changes). The history records what changed; the alarm matches notifications by its new rule at once.
    /// </summary>
    private static async Task<Results<Ok<AodhAlarmView>, ProblemHttpResult>> UpdateAsync(
        string id, HttpRequest request, ClaimsPrincipal user, AlarmDirectory directory, WebhookTargetPolicy targets, TimeProvider clock, CancellationToken ct)
    {
        if (AlarmCaller.From(user, out var refusal) is not { } caller)
            return AodhProblems.Forbidden(refusal!);
        await directory.EnsureLoadedAsync(ct);
        if (Visible(id, caller, directory) is not { } existing)
            return NotFound(id);
        var (body, bodyProblem) = await ReadBodyAsync(request, ct);
        if (bodyProblem is not null)
            return AodhProblems.BadRequest(bodyProblem);
        var now = AlarmRepository.Timestamp(clock);
        if (AlarmRequest.TryReadUpdate(body, caller, existing, now, out var problem) is not { } updated)
            return AodhProblems.BadRequest(problem!);
        if (await RefusedTargetAsync(updated, targets, ct) is { } refused)
            return AodhProblems.BadRequest(refused);
        var detail = AlarmChangeDetail.Between(existing, updated);
        var change = detail is null ? null : new AlarmHistoryEntry(Guid.NewGuid(), existing.Id, AlarmHistoryEntry.RuleChange, AodhJson.Dumps(detail), now,
            caller.UserId, caller.ProjectId, updated.ProjectId, detail["severity"]?.GetValue<string>());
        var stored = await directory.UpdateAsync(updated, statusChanged: updated.Status != existing.Status, change, ct);
        return stored is null ? NotFound(id) : TypedResults.Ok(AodhAlarmView.Of(stored));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string id, ClaimsPrincipal user, AlarmDirectory directory, WebhookSecrets secrets, CancellationToken ct)
    {
        if (AlarmCaller.From(user, out var refusal) is not { } caller)
            return AodhProblems.Forbidden(refusal!);
        await directory.EnsureLoadedAsync(ct);
        if (Visible(id, caller, directory) is not { } alarm || !await directory.DeleteAsync(alarm.Id, ct))
            return NotFound(id);
        await secrets.DeleteAsync(NotificationRouter.AlarmSubscriber(alarm.Id), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<string>, ProblemHttpResult>> GetStateAsync(string id, ClaimsPrincipal user, AlarmDirectory directory, CancellationToken ct)
    {
        if (AlarmCaller.From(user, out var refusal) is not { } caller)
            return AodhProblems.Forbidden(refusal!);
        await directory.EnsureLoadedAsync(ct);
        return Visible(id, caller, directory) is { } alarm ? TypedResults.Ok(alarm.Status.State) : NotFound(id);
    }

    /// <summary>
    /// Aodh's state set: the body is the state as a JSON string. The alarm leaves its old state by hand — set back to
    /// <c>ok</c>, an alarm that does not repeat fires again on its next match.
    /// </summary>
    private static async Task<Results<Ok<string>, ProblemHttpResult>> SetStateAsync(
        string id, HttpRequest request, ClaimsPrincipal user, AlarmDirectory directory, TimeProvider clock, CancellationToken ct)
    {
        if (AlarmCaller.From(user, out var refusal) is not { } caller)
            return AodhProblems.Forbidden(refusal!);
        await directory.EnsureLoadedAsync(ct);
        if (Visible(id, caller, directory) is not { } alarm)
            return NotFound(id);
        var (body, bodyProblem) = await ReadBodyAsync(request, ct);
        if (bodyProblem is not null)
            return AodhProblems.BadRequest(bodyProblem);
        if (body?.GetValueKind() != JsonValueKind.String)
            return AodhProblems.BadRequest($"body: expected the state as a JSON string (\"ok\", \"alarm\" or \"insufficient data\"), not {body?.ToJsonString() ?? "null"}");
        var state = body.GetValue<string>();
        if (!AlarmStates.IsKnown(state))
            return AodhProblems.BadRequest($"state invalid: '{state}' is not ok, alarm or insufficient data");
        var now = AlarmRepository.Timestamp(clock);
        var status = new AlarmStatus(state, now, AlarmStatus.ManuallySet, alarm.Status.State, FiredBy: null);
        var detail = new JsonObject { ["state"] = state, ["state_reason"] = AlarmStatus.ManuallySet };
        var change = new AlarmHistoryEntry(Guid.NewGuid(), alarm.Id, AlarmHistoryEntry.StateTransition, AodhJson.Dumps(detail), now,
            caller.UserId, caller.ProjectId, alarm.ProjectId);
        return await directory.SetStatusAsync(alarm.Id, status, change, ct) is { } stored ? TypedResults.Ok(stored.Status.State) : NotFound(id);
    }

    /// <summary>
    /// Aodh's alarm history, newest first: <c>creation</c>, <c>rule change</c> and <c>state transition</c> entries, and —
    /// Doctor's addition — one <c>delivery</c> entry per webhook (its detail says the endpoint, status, attempts and
    /// X-Doctor-Event-Id). A project sees the entries made on its behalf.
    /// </summary>
    private static async Task<Results<Ok<List<AlarmHistoryView>>, ProblemHttpResult>> HistoryAsync(
        string id, HttpRequest request, ClaimsPrincipal user, AlarmDirectory directory, AlarmRepository repository, DeliveryStore deliveries, CancellationToken ct,
        [FromQuery(Name = "q.field")] string[]? fields = null, [FromQuery(Name = "q.op")] string[]? ops = null,
        [FromQuery(Name = "q.value")] string[]? values = null, [FromQuery(Name = "q.type")] string[]? types = null,
        [FromQuery(Name = "sort")] string[]? sort = null, [FromQuery(Name = "limit")] string? limit = null, [FromQuery(Name = "marker")] string? marker = null)
    {
        if (AlarmCaller.From(user, out var refusal) is not { } caller)
            return AodhProblems.Forbidden(refusal!);
        await directory.EnsureLoadedAsync(ct);
        if (Visible(id, caller, directory) is not { } alarm)
            return NotFound(id);
        if (HistoryListQuery.TryRead(request.Query, caller, out var problem) is not { } query)
            return problem!;
        var entries = (await repository.ListHistoryAsync(alarm.Id, ct)).ToList();
        foreach (var delivery in await deliveries.ListBySubscriberAsync(NotificationRouter.AlarmSubscriber(alarm.Id), 1_000, ct))
            entries.Add(AlarmHistoryView.Entry(alarm, delivery));
        var kept = entries.Where(e => query.Filter.Accepts(e, HistoryQueryFields.All));
        return query.Paging.TryApply(kept, HistoryQueryFields.All, out var pageProblem) is { } page
            ? TypedResults.Ok(page.ConvertAll(AlarmHistoryView.Of))
            : AodhProblems.BadRequest(pageProblem!);
    }

    /// <summary>The body as JSON (any value: an alarm, or a state string), or why it is not JSON.</summary>
    private static async Task<(JsonNode? Body, string? Problem)> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            return (await JsonNode.ParseAsync(request.Body, documentOptions: StrictJson.Document, cancellationToken: ct), null);
        }
        catch (JsonException e)
        {
            return (null, $"body: malformed JSON ({e.Message})");
        }
    }

    private static async Task<string?> RefusedTargetAsync(EventAlarm alarm, WebhookTargetPolicy targets, CancellationToken ct)
    {
        foreach (var (member, urls) in new[] { ("alarm_actions", alarm.AlarmActions), ("ok_actions", alarm.OkActions), ("insufficient_data_actions", alarm.InsufficientDataActions) })
        {
            for (var i = 0; i < urls.Count; i++)
            {
                if (await targets.CheckAsync(urls[i], $"{member}[{i}]", ct) is { } refused)
                    return refused;
            }
        }
        return null;
    }

    /// <summary>The alarm if it exists and the caller may see it; another project's alarm is as absent as a missing one.</summary>
    private static EventAlarm? Visible(string id, AlarmCaller caller, AlarmDirectory directory) =>
        Guid.TryParse(id, out var alarmId) && directory.Find(alarmId) is { } alarm && caller.Owns(alarm) ? alarm : null;

    private static ProblemHttpResult NotFound(string id) => AodhProblems.NotFound($"alarm '{id}' not found");
}
