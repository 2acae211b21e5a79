using System.Security.Claims;
using System.Text.Json.Nodes;
using Doctor.AdminApi.Alarms;
using Doctor.AdminApi.Problems;
using Doctor.Domain.Faults;
using Doctor.Workflows.Faults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Doctor.AdminApi.Faults;

/// <summary>The fault query (northbound FaultQuery) and the incidents with their performance profiles.</summary>
public static class FaultEndpoints
{
    public static IEndpointRouteBuilder MapFaultApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/faults", QueryAsync).WithTags("Faults")
            .WithSummary("FaultQuery: faults on virtual resources (projects: their own instances; admin: all, hosts included)");
        var incidents = routes.MapGroup("/v1/incidents").WithTags("Faults");
        incidents.MapGet("", ListAsync)
            .WithSummary("Fault incidents kept in memory (every open one, the most recent others), oldest first; pages with limit and marker (admin)");
        incidents.MapGet("/{id}", GetAsync).WithSummary("One fault incident (admin)");
        incidents.MapGet("/{id}/profile", ProfileAsync).WithSummary("Stage timestamps, durations and shares of an incident's fast path (admin)");
        return routes;
    }

    private static async Task<Results<Ok<FaultQueryResponse>, ProblemHttpResult>> QueryAsync(
        HttpRequest request, ClaimsPrincipal user, IncidentBook book, CancellationToken ct)
    {
        if (AlarmCaller.From(user, out var refusal) is not { } caller)
            return TypedResults.Problem(title: refusal, statusCode: StatusCodes.Status403Forbidden);
        if (FaultQueryFilter.TryRead(request.Query, out var problem) is not { } filter)
            return DomainProblems.BadRequest(problem!);
        await book.EnsureLoadedAsync(ct);
        var faults = new List<FaultView>();
        foreach (var incident in book.All())
        {
            foreach (var view in Views(incident))
            {
                // Doctor req. §3.3.3: a project sees faults on its own instances only.
                if ((caller.IsAdmin || (view.ResourceType == "instance" && view.ProjectId == caller.ProjectId)) && filter.Accepts(view))
                    faults.Add(view);
            }
        }
        return TypedResults.Ok(new FaultQueryResponse(faults));
    }

    /// <summary>The most incidents one page holds.</summary>
    public const int MaxPageSize = 10_000;

    // limit is read as text so that a bad one gets this API's problem answer, naming it, not the framework's bare 400.
    private static async Task<Results<Ok<List<IncidentView>>, ProblemHttpResult>> ListAsync(
        [FromQuery(Name = "limit")] string? limitText, [FromQuery(Name = "marker")] string? marker,
        ClaimsPrincipal user, IncidentBook book, CancellationToken ct)
    {
        if (InspectorEndpoints.Refusal(user) is { } refused)
            return refused;
        int? limit = null;
        if (limitText is not null)
        {
            if (!int.TryParse(limitText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var l)
                || l is < 1 or > MaxPageSize)
                return DomainProblems.BadRequest($"limit: '{limitText}' is not a whole number from 1 to {MaxPageSize}");
            limit = l;
        }
        await book.EnsureLoadedAsync(ct);
        IEnumerable<IncidentState> page = book.All();
        if (marker is not null)
        {
            // OpenStack paging: the page starts after the marker, the last incident of the previous page.
            var after = page.Select((s, i) => (s.IncidentId, i)).FirstOrDefault(p => p.IncidentId == marker);
            if (after.IncidentId is null)
                return DomainProblems.BadRequest($"marker: incident '{marker}' is not among the incidents kept in memory (open ones and the most recent others)");
            page = page.Skip(after.i + 1);
        }
        if (limit is { } n)
            page = page.Take(n);
        return TypedResults.Ok(page.Select(View).ToList());
    }

    private static async Task<Results<Ok<IncidentView>, ProblemHttpResult>> GetAsync(string id, ClaimsPrincipal user, IncidentBook book, CancellationToken ct)
    {
        if (InspectorEndpoints.Refusal(user) is { } refused)
            return refused;
        await book.EnsureLoadedAsync(ct);
        return await book.FindAsync(id, ct) is { } state ? TypedResults.Ok(View(state)) : NoSuchIncident(id);
    }

    private static async Task<Results<Ok<IncidentProfileView>, ProblemHttpResult>> ProfileAsync(string id, ClaimsPrincipal user, IncidentBook book, CancellationToken ct)
    {
        if (InspectorEndpoints.Refusal(user) is { } refused)
            return refused;
        await book.EnsureLoadedAsync(ct);
        return await book.FindAsync(id, ct) is { } state ? TypedResults.Ok(Profile(state)) : NoSuchIncident(id);
    }

    internal static IncidentProfileView Profile(IncidentState state)
    {
        var fault = state.Fault!;
        var path = state.Stages.Where(s => s.Name != FaultIncident.StageNames.Resolved).OrderBy(s => s.At).ToList();
        var received = fault.At;
        var total = path.Count == 0 ? 0 : (path[^1].At - received).TotalMilliseconds;
        var stages = new List<ProfileStageView>(path.Count);
        var previous = received;
        foreach (var stage in path)
        {
            var ms = (stage.At - previous).TotalMilliseconds;
            stages.Add(new ProfileStageView(stage.Name, stage.At, Math.Round(ms, 3), Math.Round((stage.At - received).TotalMilliseconds, 3),
                total > 0 ? Math.Round(ms / total, 4) : 0));
            previous = stage.At;
        }
        return new IncidentProfileView(state.IncidentId!, fault.Host, fault.FaultType, Verdict(state.Verdict), state.Instances.Count,
            Math.Round(total, 3), stages, state.ResolvedAt is { } r ? Math.Round((r - received).TotalMilliseconds, 3) : null);
    }

    // A fault that fenced nothing has no stream of its own: once it leaves the book, only its report's event has it.
    private static ProblemHttpResult NoSuchIncident(string id) => DomainProblems.NotFound(
        $"incident {id}: no such incident (a fault that fenced nothing is kept only among the most recent incidents; its report's fault.batch_recorded event keeps it in the store)");

    private static string Verdict(FaultVerdict verdict) => FaultOutcome.VerdictName(verdict);

    private static IncidentView View(IncidentState s) =>
        new(s.IncidentId!, s.Fault!.Host, s.Fault.FaultType, s.Fault.Severity, Verdict(s.Verdict), s.Status.ToString().ToLowerInvariant(),
            s.Fault.At, s.Instances.Count, s.HostMarked, s.InstancesMarked, s.PortsMarked, s.FailedActions, s.Repeats, s.ResolvedBy, s.ResolvedAt);

    private static IEnumerable<FaultView> Views(IncidentState s)
    {
        var f = s.Fault!;
        var details = JsonNode.Parse(f.DetailsJson);
        var status = s.Status.ToString().ToLowerInvariant();
        yield return new FaultView("host", f.Host ?? "", null, f.FaultId, f.FaultType, f.Severity, f.EventTime, f.ProbableCause,
            s.CorrelatedFaultIds, true, details, s.IncidentId!, Verdict(s.Verdict), status, f.Host);
        foreach (var instance in s.Instances)
            yield return new FaultView("instance", instance.InstanceId, instance.ProjectId, f.FaultId, f.FaultType, f.Severity, f.EventTime,
                f.ProbableCause, s.CorrelatedFaultIds, false, details?.DeepClone(), s.IncidentId!, Verdict(s.Verdict), status, f.Host);
    }
}
