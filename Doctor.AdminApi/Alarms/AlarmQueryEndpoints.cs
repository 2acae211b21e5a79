using System.Security.Claims;
using Doctor.Workflows.Notifications.Alarms;
using Doctor.Workflows.Notifications.Alarms.Queries;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Doctor.AdminApi.Alarms;

/// <summary>
/// Aodh's complex queries, <c>POST /v2/query/alarms</c> and <c>POST /v2/query/alarms/history</c> (what
/// <c>aodh alarm list --query</c>, <c>aodh alarm show --name</c> and <c>aodh alarm-history search</c> send). Alarms are
/// filtered in memory, where the notifier keeps them; history in the database. The history search covers the changes
/// Aodh records (creation, rule change, state transition), not the per-webhook delivery entries of an alarm's own history.
/// </summary>
public static class AlarmQueryEndpoints
{
    private static readonly IReadOnlyList<SortKey> Newest = [new("timestamp", Descending: true)];

    public static IEndpointRouteBuilder MapAlarmQueryApi(this IEndpointRouteBuilder routes)
    {
        var query = routes.MapGroup("/v2/query/alarms").WithTags("Alarms");
        query.MapPost("", QueryAlarmsAsync).WithSummary("Alarms matching a complex query: filter (and/or/not/in/=/!=/</<=/>/>=/=~), orderby, limit");
        query.MapPost("/history", QueryHistoryAsync).WithSummary("History entries of every visible alarm matching a complex query");
        return routes;
    }

    private static async Task<Results<Ok<List<AodhAlarmView>>, ProblemHttpResult>> QueryAlarmsAsync(
        [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] ComplexQueryRequest? body,
        ClaimsPrincipal user, AlarmDirectory directory, CancellationToken ct)
    {
        if (AlarmCaller.From(user, out var refusal) is not { } caller)
            return AodhProblems.Forbidden(refusal!);
        if (ComplexQuery.TryRead(body, AlarmQueryFields.All, "project_id", caller, out var problem) is not { } query)
            return problem!;
        await directory.EnsureLoadedAsync(ct);
        try
        {
            var kept = directory.All.Where(a => caller.Owns(a) && (query.Filter is null || query.Filter.Accepts(a, AlarmQueryFields.All)));
            var sorted = AlarmQueryFields.All.Sort(kept, query.Order.Count == 0 ? Newest : query.Order);
            return TypedResults.Ok((query.Limit is { } limit ? sorted.Take(limit) : sorted).Select(AodhAlarmView.Of).ToList());
        }
        catch (AlarmFilterException e)
        {
            return AodhProblems.BadRequest(e.Message);
        }
    }

    private static async Task<Results<Ok<List<AlarmHistoryView>>, ProblemHttpResult>> QueryHistoryAsync(
        [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] ComplexQueryRequest? body,
        ClaimsPrincipal user, AlarmRepository repository, CancellationToken ct)
    {
        if (AlarmCaller.From(user, out var refusal) is not { } caller)
            return AodhProblems.Forbidden(refusal!);
        if (ComplexQuery.TryRead(body, HistoryQueryFields.All, "on_behalf_of", caller, out var problem) is not { } query)
            return problem!;
        try
        {
            var entries = await repository.QueryHistoryAsync(query.Filter, query.Order, query.Limit, ct);
            return TypedResults.Ok(entries.Select(AlarmHistoryView.Of).ToList());
        }
        catch (AlarmFilterException e)
        {
            return AodhProblems.BadRequest(e.Message);
        }
    }
}
