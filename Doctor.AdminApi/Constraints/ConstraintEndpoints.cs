using Doctor.AdminApi.Alarms;
using Doctor.AdminApi.Problems;
using Doctor.Workflows.Constraints;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Doctor.AdminApi.Constraints;

/// <summary>
/// Fenix/ETSI constraints (CONTRACTS.md "Constraints"): per-instance and per-group rules the maintenance engine keeps —
/// an anti-affinity group's members never share a host and are never moved at the same time.
/// A project sets and sees only its own; an admin any.
/// </summary>
public static class ConstraintEndpoints
{
    private static readonly string[] MigrationTypes = ["MIGRATE", "LIVE_MIGRATE", "OWN_ACTION", "EVICTION"];

    public static IEndpointRouteBuilder MapConstraintApi(this IEndpointRouteBuilder app)
    {
        var instances = app.MapGroup("/v1/instance").WithTags("Constraints");
        instances.MapPut("/{instanceId}", PutInstanceAsync).WithSummary("Set an instance's constraints");
        instances.MapGet("/{instanceId}", GetInstanceAsync).WithSummary("An instance's constraints");
        instances.MapDelete("/{instanceId}", DeleteInstanceAsync).WithSummary("Remove an instance's constraints");
        var groups = app.MapGroup("/v1/instance_group").WithTags("Constraints");
        groups.MapPut("/{groupId}", PutGroupAsync).WithSummary("Set an instance group's constraints");
        groups.MapGet("/{groupId}", GetGroupAsync).WithSummary("An instance group's constraints");
        groups.MapDelete("/{groupId}", DeleteGroupAsync).WithSummary("Remove an instance group's constraints");
        return app;
    }

    private static async Task<Results<Ok<InstanceConstraint>, ProblemHttpResult>> PutInstanceAsync(
        string instanceId, InstanceConstraintRequest body, HttpContext http, ConstraintStore store, CancellationToken ct)
    {
        if (Caller(http, out var refusal) is not { } caller)
            return refusal!;
        if (body.InstanceId is { } id && id != instanceId)
            return DomainProblems.BadRequest($"instance_id: '{id}' does not match the URL's '{instanceId}'");
        var project = caller.IsAdmin ? body.ProjectId : caller.ProjectId;
        if (string.IsNullOrWhiteSpace(project))
            return DomainProblems.BadRequest("project_id: required");
        if (body.MaxInterruptionTime is < 0)
            return DomainProblems.BadRequest("max_interruption_time: must be 0 or more seconds");
        if (body.LeadTime is < 0)
            return DomainProblems.BadRequest("lead_time: must be 0 or more seconds");
        if (body.MigrationType is { } type && !MigrationTypes.Contains(type))
            return DomainProblems.BadRequest($"migration_type: '{type}' is not one of {string.Join(", ", MigrationTypes)}");
        if (await store.GetInstanceAsync(instanceId, ct) is { } existing && !caller.IsAdmin && existing.ProjectId != caller.ProjectId)
            return DomainProblems.NotFound($"instance_id: no constraints for instance {instanceId}");
        if (body.GroupId is { } groupId && await store.GetGroupAsync(groupId, ct) is { } group && group.ProjectId != project)
            return DomainProblems.BadRequest($"group_id: group {groupId} belongs to another project");
        var constraint = new InstanceConstraint(instanceId, project, body.GroupId, body.InstanceName, body.MaxInterruptionTime, body.MigrationType, body.ResourceMitigation, body.LeadTime);
        await store.PutInstanceAsync(constraint, ct);
        return TypedResults.Ok(constraint);
    }

    private static async Task<Results<Ok<InstanceConstraint>, ProblemHttpResult>> GetInstanceAsync(string instanceId, HttpContext http, ConstraintStore store, CancellationToken ct)
    {
        if (Caller(http, out var refusal) is not { } caller)
            return refusal!;
        return await store.GetInstanceAsync(instanceId, ct) is { } c && (caller.IsAdmin || c.ProjectId == caller.ProjectId)
            ? TypedResults.Ok(c)
            : DomainProblems.NotFound($"instance_id: no constraints for instance {instanceId}");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteInstanceAsync(string instanceId, HttpContext http, ConstraintStore store, CancellationToken ct)
    {
        if (Caller(http, out var refusal) is not { } caller)
            return refusal!;
        if (await store.GetInstanceAsync(instanceId, ct) is not { } c || !(caller.IsAdmin || c.ProjectId == caller.ProjectId))
            return DomainProblems.NotFound($"instance_id: no constraints for instance {instanceId}");
        await store.DeleteInstanceAsync(instanceId, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<InstanceGroupConstraint>, ProblemHttpResult>> PutGroupAsync(
        string groupId, InstanceGroupRequest body, HttpContext http, ConstraintStore store, CancellationToken ct)
    {
        if (Caller(http, out var refusal) is not { } caller)
            return refusal!;
        if (body.GroupId is { } id && id != groupId)
            return DomainProblems.BadRequest($"group_id: '{id}' does not match the URL's '{groupId}'");
        var project = caller.IsAdmin ? body.ProjectId : caller.ProjectId;
        if (string.IsNullOrWhiteSpace(project))
            return DomainProblems.BadRequest("project_id: required");
        if (body.MaxInstancesPerHost is < 1)
            return DomainProblems.BadRequest("max_instances_per_host: must be 1 or more");
        if (body.MaxImpactedMembers is < 1)
            return DomainProblems.BadRequest("max_impacted_members: must be 1 or more");
        if (body.RecoveryTime is < 0)
            return DomainProblems.BadRequest("recovery_time: must be 0 or more seconds");
        if (await store.GetGroupAsync(groupId, ct) is { } existing && !caller.IsAdmin && existing.ProjectId != caller.ProjectId)
            return DomainProblems.NotFound($"group_id: no instance group {groupId}");
        var group = new InstanceGroupConstraint(groupId, project, body.GroupName, body.AntiAffinityGroup ?? false, body.MaxInstancesPerHost,
            body.MaxImpactedMembers, body.RecoveryTime, body.ResourceMitigation);
        await store.PutGroupAsync(group, ct);
        return TypedResults.Ok(group);
    }

    private static async Task<Results<Ok<InstanceGroupConstraint>, ProblemHttpResult>> GetGroupAsync(string groupId, HttpContext http, ConstraintStore store, CancellationToken ct)
    {
        if (Caller(http, out var refusal) is not { } caller)
            return refusal!;
        return await store.GetGroupAsync(groupId, ct) is { } g && (caller.IsAdmin || g.ProjectId == caller.ProjectId)
            ? TypedResults.Ok(g)
            : DomainProblems.NotFound($"group_id: no instance group {groupId}");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteGroupAsync(string groupId, HttpContext http, ConstraintStore store, CancellationToken ct)
    {
        if (Caller(http, out var refusal) is not { } caller)
            return refusal!;
        if (await store.GetGroupAsync(groupId, ct) is not { } g || !(caller.IsAdmin || g.ProjectId == caller.ProjectId))
            return DomainProblems.NotFound($"group_id: no instance group {groupId}");
        await store.DeleteGroupAsync(groupId, ct);
        return TypedResults.NoContent();
    }

    private static AlarmCaller? Caller(HttpContext http, out ProblemHttpResult? refusal)
    {
        var caller = AlarmCaller.From(http.User, out var reason);
        refusal = caller is null ? TypedResults.Problem(title: reason, statusCode: StatusCodes.Status403Forbidden) : null;
        return caller;
    }
}
