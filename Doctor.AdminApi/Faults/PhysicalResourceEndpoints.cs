using System.Security.Claims;
using System.Text.Json.Nodes;
using Doctor.AdminApi.Problems;
using Doctor.Domain.Hosts;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Faults;
using Doctor.Workflows.Hosts;
using Doctor.Workflows.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Doctor.AdminApi.Faults;

/// <summary>
/// Physical resources for the admin (Doctor req. §5.4 StateQuery/StateChange) and Nova's force-down, answered from each
/// host's stream (<see cref="PhysicalResources"/>). Taking a host <c>down</c> (or forcing it down) fences it like
/// <c>compute.host.down</c>; <c>normal</c> (or unsetting force-down) recovers it.
/// </summary>
public static class PhysicalResourceEndpoints
{
    private const string Zone = "nova";

    public static IEndpointRouteBuilder MapPhysicalResourceApi(this IEndpointRouteBuilder routes)
    {
        var physical = routes.MapGroup("/v1/resources/physical").WithTags("Physical resources");
        physical.MapGet("", QueryAsync).WithSummary("StateQuery: compute hosts with state, host_status and force-down, filtered by state and zone (admin)");
        physical.MapPut("/{id}/state", ChangeStateAsync)
            .WithSummary("StateChange: normal | maintenance | down | error with metadata; down fences like compute.host.down, normal recovers (admin)");
        routes.MapPut("/v1/os-services/force-down", ForceDownAsync).WithTags("Physical resources")
            .WithSummary("Nova-style force-down of nova-compute on a host: true fences, false recovers (admin)");
        return routes;
    }

    private static async Task<Results<Ok<List<PhysicalResourceView>>, ProblemHttpResult>> QueryAsync(
        HttpRequest request, ClaimsPrincipal user, IInfrastructure infrastructure, PhysicalResources physical, IncidentBook book, CancellationToken ct)
    {
        if (InspectorEndpoints.Refusal(user) is { } refused)
            return refused;
        HostState? state = null;
        if (request.Query.TryGetValue("state", out var s))
        {
            if (!HostStates.TryParse(s.ToString(), out var parsed))
                return DomainProblems.BadRequest($"state: '{s}' is not one of {string.Join(", ", HostStates.All)}");
            state = parsed;
        }
        var zone = request.Query.TryGetValue("zone", out var z) ? z.ToString() : null;
        var views = new List<PhysicalResourceView>();
        foreach (var host in await infrastructure.ListHostsAsync(ct))
        {
            var resource = await physical.GetAsync(host.Name, ct);
            if ((state is null || resource.State == state) && (zone is null || zone == Zone))
                views.Add(PhysicalResourceView.From(host, resource, book.OpenOn(host.Name), Zone));
        }
        return TypedResults.Ok(views);
    }

    private static async Task<Results<Ok<PhysicalResourceView>, ProblemHttpResult>> ChangeStateAsync(
        string id, HttpContext context, ClaimsPrincipal user, IInfrastructure infrastructure, FaultInspector inspector, HostRecovery recovery,
        PhysicalResources physical, IncidentBook book, TimeProvider clock, CancellationToken ct)
    {
        var receivedAt = clock.GetUtcNow();
        if (InspectorEndpoints.Refusal(user) is { } refused)
            return refused;
        var (body, malformed) = await InspectorEndpoints.ReadAsync(context.Request, ct);
        if (malformed is not null)
            return malformed;
        if (body is not JsonObject o)
            return DomainProblems.BadRequest("body: a JSON object with state is required");
        if (o["state"] is not JsonValue sv || !sv.TryGetValue<string>(out var requested))
            return DomainProblems.BadRequest(o.ContainsKey("state") ? "state: must be a string" : "state: required");
        if (!HostStates.TryParse(requested, out var state))
            return DomainProblems.BadRequest($"state: '{requested}' is not one of {string.Join(", ", HostStates.All)}");
        JsonObject? meta = null;
        if (o["metadata"] is { } m)
        {
            if (m is not JsonObject mo)
                return DomainProblems.BadRequest("metadata: must be an object");
            meta = (JsonObject)mo.DeepClone();
        }
        if ((await infrastructure.ListHostsAsync(ct)).All(h => h.Name != id))
            return DomainProblems.NotFound($"physical resource {id}: no such host");

        var actor = context.Actor();
        var metadata = new EventMetadata(Guid.NewGuid().ToString(), null, actor, null);
        await physical.ExecuteAsync(id, now => new SetHostMetadata(id, meta?.ToJsonString(), now), metadata, ct);
        // The host's stream moves before the cloud is told maintenance, and after it is told normal: a listing of the cloud
        // in between then never looks like maintenance of the cloud's own (ObserveHost).
        switch (state)
        {
            case HostState.Down:
                await infrastructure.SetHostStateAsync(id, state.Name(), ct);
                await inspector.ReportAsync([ApiFault(id, receivedAt, "state changed to down", meta)], receivedAt, actor, explicitCommand: true, ct: ct);
                break;
            case HostState.Normal:
                await infrastructure.SetHostStateAsync(id, state.Name(), ct);
                await recovery.RecoverAsync(id, PhysicalResource.ResolvedBy.Api, "state changed to normal", actor, ct);
                await physical.ExecuteAsync(id, now => new ChangeHostState(id, state, "state changed to normal through the API", now), metadata, ct);
                break;
            default:
                await physical.ExecuteAsync(id, now => new ChangeHostState(id, state, $"state changed to {state.Name()} through the API", now), metadata, ct);
                await infrastructure.SetHostStateAsync(id, state.Name(), ct);
                break;
        }
        var host = (await infrastructure.ListHostsAsync(ct)).First(h => h.Name == id);
        return TypedResults.Ok(PhysicalResourceView.From(host, await physical.GetAsync(id, ct), book.OpenOn(id), Zone));
    }

    private static async Task<Results<Ok<ForceDownResponse>, ProblemHttpResult>> ForceDownAsync(
        HttpContext context, ClaimsPrincipal user, IInfrastructure infrastructure, FaultInspector inspector, HostRecovery recovery, TimeProvider clock,
        CancellationToken ct)
    {
        var receivedAt = clock.GetUtcNow();
        if (InspectorEndpoints.Refusal(user) is { } refused)
            return refused;
        var (body, malformed) = await InspectorEndpoints.ReadAsync(context.Request, ct);
        if (malformed is not null)
            return malformed;
        if (body is not JsonObject o)
            return DomainProblems.BadRequest("body: a JSON object with binary, host and forced_down is required");
        if (o["binary"] is not JsonValue bv || !bv.TryGetValue<string>(out var binary))
            return DomainProblems.BadRequest("binary: required");
        if (binary != "nova-compute")
            return DomainProblems.BadRequest($"binary: '{binary}' is not supported (expected nova-compute)");
        if (o["host"] is not JsonValue hv || !hv.TryGetValue<string>(out var host) || string.IsNullOrWhiteSpace(host))
            return DomainProblems.BadRequest("host: required");
        if (o["forced_down"] is not JsonValue fv || !fv.TryGetValue<bool>(out var forcedDown))
            return DomainProblems.BadRequest(o.ContainsKey("forced_down") ? "forced_down: must be true or false" : "forced_down: required");
        if ((await infrastructure.ListHostsAsync(ct)).All(h => h.Name != host))
            return DomainProblems.NotFound($"host {host}: no such host");

        var actor = context.Actor();
        if (forcedDown)
        {
            await infrastructure.SetForcedDownAsync(host, true, ct);
            await inspector.ReportAsync([ApiFault(host, receivedAt, "forced down through the API", null)], receivedAt, actor, explicitCommand: true, ct: ct);
        }
        else
        {
            await recovery.RecoverAsync(host, PhysicalResource.ResolvedBy.Api, "force-down unset", actor, ct);
        }
        return TypedResults.Ok(new ForceDownResponse(new ForceDownService(binary, host, forcedDown)));
    }

    private static FaultReport ApiFault(string host, DateTimeOffset at, string cause, JsonObject? meta) =>
        new(at, FaultInspector.HostDown, host, null, cause,
            new JsonObject { ["hostname"] = host, ["source"] = "doctor-api", ["cause"] = cause, ["metadata"] = meta?.DeepClone() }, "api");
}
