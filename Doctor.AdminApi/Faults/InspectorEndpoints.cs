using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Doctor.AdminApi.Alarms;
using Doctor.AdminApi.Problems;
using Doctor.Workflows.Faults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Doctor.AdminApi.Faults;

/// <summary>The inspector's southbound doors (Doctor req. §5.5): Doctor events and Prometheus Alertmanager webhooks.</summary>
public static class InspectorEndpoints
{
    public static RouteGroupBuilder MapInspectorApi(this IEndpointRouteBuilder routes)
    {
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
            body = await JsonNode.ParseAsync(request.Body, documentOptions: StrictJson, cancellationToken: ct);
        }
        catch (JsonException e)
        {
            return (null, DomainProblems.BadRequest($"body: malformed JSON ({e.Message})"));
        }
        return UnstorableText(body, "body") is { } problem ? (null, DomainProblems.BadRequest(problem)) : (body, null);
    }

    // A key given twice is refused rather than letting the last one win silently.
    private static readonly JsonDocumentOptions StrictJson = new() { AllowDuplicateProperties = false };

    /// <summary>
    /// The first string in the tree that is not text we can keep — an unpaired surrogate (not Unicode) or NUL
    /// (PostgreSQL text refuses it) — named by its path; null when every string is fine.
    /// </summary>
    private static string? UnstorableText(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o)
                    if (UnstorableText(child, $"{path}.{key}") is { } problem)
                        return problem;
                return null;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                    if (UnstorableText(a[i], $"{path}[{i}]") is { } problem)
                        return problem;
                return null;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                string text;
                try
                {
                    text = v.GetValue<string>();
                }
                catch (InvalidOperationException)
                {
                    return $"{path}: not valid Unicode text (an unpaired surrogate)";
                }
                return text.Contains('\0') ? $"{path}: must not contain NUL (\\u0000)" : null;
            default:
                return null;
        }
    }
}
