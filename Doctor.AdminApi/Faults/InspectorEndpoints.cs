using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Doctor.AdminApi.Alarms;
using Doctor.AdminApi.Errors;
using Doctor.AdminApi.Problems;
using Doctor.Workflows.Faults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Doctor.AdminApi.Faults;

/// <summary>The inspector's southbound doors (Doctor req. §5.5): Doctor events and Prometheus Alertmanager webhooks.</summary>
public static class InspectorEndpoints
{
    public static RouteGroupBuilder MapInspectorApi(this IEndpointRouteBuilder routes)
    {
        // The start-up warm-up goes through this very endpoint (InspectorWarmUpDoor).
        routes.ServiceProvider.GetService<InspectorWarmUpDoor>()?.Open(routes);
        var inspector = routes.MapGroup("/v1/inspector").WithTags("Inspector");
        inspector.MapPut("/events", ReceiveEventsAsync)
            .WithSummary("Raw fault events from a monitor: a list (Doctor sample monitor), one event, {\"event\"} or {\"events\"}");
        inspector.MapPost("/events", ReceiveEventsAsync)
            .WithSummary("Raw fault events from a monitor: one event, {\"event\"}, {\"events\"} or a list");
        inspector.MapPost("/alertmanager", ReceiveAlertsAsync)
            .WithSummary("Prometheus Alertmanager webhook (v4): alertname → type, hostname/instance → host, severity");
        return inspector;
    }

    private static async Task<Results<Ok<InspectorResponse>, ProblemHttpResult>> ReceiveEventsAsync(
        HttpContext context, ClaimsPrincipal user, FaultInspector inspector, TimeProvider clock, CancellationToken ct)
    {
        var receivedAt = clock.GetUtcNow();
        if (Refusal(user) is { } refused)
            return refused;
        var (body, malformed) = await ReadAsync(context.Request, ct);
        if (malformed is not null)
            return malformed;
        if (InspectorEventParser.TryRead(body, out var problem) is not { } reports)
            return DomainProblems.BadRequest(problem!);
        return TypedResults.Ok(new InspectorResponse(await inspector.ReportAsync(reports, receivedAt, context.Actor(), ct: ct)));
    }

    private static async Task<Results<Ok<InspectorResponse>, ProblemHttpResult>> ReceiveAlertsAsync(
        HttpContext context, ClaimsPrincipal user, FaultInspector inspector, TimeProvider clock, CancellationToken ct)
    {
        var receivedAt = clock.GetUtcNow();
        if (Refusal(user) is { } refused)
            return refused;
        var (body, malformed) = await ReadAsync(context.Request, ct);
        if (malformed is not null)
            return malformed;
        if (AlertmanagerParser.TryRead(body, receivedAt, out var problem) is not { } reports)
            return DomainProblems.BadRequest(problem!);
        return TypedResults.Ok(new InspectorResponse(await inspector.ReportAsync(reports, receivedAt, context.Actor(), ct: ct)));
    }

    /// <summary>Monitors are infrastructure: only admin callers may report.</summary>
    internal static ProblemHttpResult? Refusal(ClaimsPrincipal user)
    {
        if (AlarmCaller.From(user, out var refusal) is not { } caller)
            return TypedResults.Problem(title: refusal, statusCode: StatusCodes.Status403Forbidden);
        return caller.IsAdmin ? null : TypedResults.Problem(title: "only admin callers may use this endpoint", statusCode: StatusCodes.Status403Forbidden);
    }

    internal static async Task<(JsonNode? Body, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(request.Body, documentOptions: StrictJson.Document, cancellationToken: ct);
        }
        catch (JsonException e)
        {
            return (null, DomainProblems.BadRequest($"body: malformed JSON ({e.Message})"));
        }
        return StrictJson.FirstUnstorableText(body, "body") is { } problem ? (null, DomainProblems.BadRequest(problem)) : (body, null);
    }
}
