using System.Text.Json.Nodes;
using Doctor.AdminApi.Alarms;
using Doctor.AdminApi.Problems;
using Doctor.Domain;
using Doctor.Domain.Maintenance;
using Doctor.Workflows.Engine;
using Doctor.Workflows.Infrastructure;
using Doctor.Workflows.Maintenance;
using Doctor.Workflows.Maintenance.Engine;
using Doctor.Workflows.Maintenance.HostActions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Doctor.AdminApi.Maintenance;

/// <summary>The Fenix v1 maintenance API: admin calls on sessions, project calls on their part of a session.</summary>
public static class MaintenanceEndpoints
{
    private static readonly string[] ActionTypes = ["pre", "host", "post"];

    public static IEndpointRouteBuilder MapMaintenanceApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/maintenance").WithTags("Maintenance");
        group.MapPost("/", CreateAsync).WithSummary("Open a maintenance session (admin)");
        group.MapGet("/", ListAsync).WithSummary("List maintenance sessions (admin)");
        group.MapGet("/{sessionId}", GetAsync).WithSummary("A session's state");
        group.MapPost("/{sessionId}", UpdateAsync).WithSummary("Continue a failed session from a state (admin)");
        group.MapDelete("/{sessionId}", DeleteAsync).WithSummary("Stop and remove a session; computes it disabled are enabled again (admin)");
        group.MapGet("/{sessionId}/history", HistoryAsync).WithSummary("The session's timeline, rebuilt from its events");
        group.MapGet("/{sessionId}/{projectId}", ProjectInstancesAsync).WithSummary("A project's instances affected by the current state");
        group.MapPut("/{sessionId}/{projectId}", ProjectReplyAsync).WithSummary("A project's ACK/NACK with its chosen instance actions");
        group.MapPut("/{sessionId}/{projectId}/{instanceId}", InstanceReplyAsync).WithSummary("A project's reply for one instance (vnf workflow)");
        return app;
    }

    private static async Task<Results<Ok<SessionCreatedResponse>, ProblemHttpResult>> CreateAsync(
        CreateSessionRequest request, HttpContext http, MaintenanceSessions sessions, MaintenanceEngine engine, WorkflowCatalog catalog,
        IInfrastructure infrastructure, IEnumerable<IHostActionPlugin> plugins, IOptions<MaintenanceOptions> options, CancellationToken ct)
    {
        if (request.State is { } st && st != "MAINTENANCE")
            return DomainProblems.BadRequest($"state: a session starts in MAINTENANCE, not '{st}'");
        if (string.IsNullOrWhiteSpace(request.MaintenanceAt))
            return DomainProblems.BadRequest("maintenance_at: required (\"YYYY-MM-DD HH:MM:SS\" UTC or ISO 8601)");
        if (!FenixTime.TryParse(request.MaintenanceAt, out var maintenanceAt, out var form))
            return DomainProblems.BadRequest($"maintenance_at: '{request.MaintenanceAt}' is not a time (\"YYYY-MM-DD HH:MM:SS\" UTC or ISO 8601)");
        var now = sessions.Now;
        if (maintenanceAt < now)
            return DomainProblems.BadRequest($"maintenance_at: {request.MaintenanceAt} is in the past");
        var minimum = options.Value.MinimumReplyWindow;
        if (maintenanceAt < now + minimum)
            return DomainProblems.BadRequest($"maintenance_at: {request.MaintenanceAt} is too close: projects need at least {minimum.TotalSeconds:0.#} s to reply before it");

        var workflowId = string.IsNullOrWhiteSpace(request.Workflow) ? "default" : request.Workflow;
        var workflow = catalog.Latest(workflowId);
        if (workflow is null)
            return DomainProblems.BadRequest($"workflow: unknown workflow '{workflowId}' (known: {string.Join(", ", catalog.Current.Select(w => w.Id).Order())})");

        var knownHosts = (await infrastructure.ListHostsAsync(ct)).Select(h => h.Name).ToList();
        var hosts = request.Hosts is { Count: > 0 } ? request.Hosts : knownHosts;
        for (var i = 0; i < hosts.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(hosts[i]))
                return DomainProblems.BadRequest($"hosts[{i}]: empty host name");
            if (!knownHosts.Contains(hosts[i]))
                return DomainProblems.BadRequest($"hosts[{i}]: unknown host '{hosts[i]}'");
        }
        if (hosts.Count == 0)
            return DomainProblems.BadRequest("hosts: the cloud has no compute hosts to maintain");

        var pluginNames = plugins.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var actions = new List<ActionPlugin>();
        for (var i = 0; i < (request.Actions?.Count ?? 0); i++)
        {
            var a = request.Actions![i];
            if (a is null || string.IsNullOrWhiteSpace(a.Plugin))
                return DomainProblems.BadRequest($"actions[{i}].plugin: required");
            if (!pluginNames.Contains(a.Plugin))
                return DomainProblems.BadRequest($"actions[{i}].plugin: unknown plug-in '{a.Plugin}' (known: {string.Join(", ", pluginNames.Order())})");
            if (a.Type is null || !ActionTypes.Contains(a.Type))
                return DomainProblems.BadRequest($"actions[{i}].type: must be pre, host or post");
            actions.Add(new ActionPlugin(a.Plugin, a.Type, (a.Metadata ?? []).ToJsonString()));
        }

        var policyText = request.SubscriptionPolicy ?? options.Value.SubscriptionPolicy;
        SubscriptionPolicy policy;
        switch (policyText)
        {
            case "require_subscription": policy = SubscriptionPolicy.RequireSubscription; break;
            case "proceed": policy = SubscriptionPolicy.Proceed; break;
            default: return DomainProblems.BadRequest($"subscription_policy: '{policyText}' is not require_subscription or proceed");
        }

        var sessionId = Guid.NewGuid().ToString();
        var metadata = http.EventMetadata("create");
        var change = await sessions.ExecuteAsync(sessionId, (_, t) => new CreateSession(sessionId, workflow.Id, workflow.Version, hosts.ToList(),
            maintenanceAt, form, (request.Metadata ?? []).ToJsonString(), actions, policy, workflow.Initial, t), metadata, ct);
        engine.Poke(sessionId);
        return TypedResults.Ok(new SessionCreatedResponse(change.State.SessionId));
    }

    private static async Task<Ok<SessionListResponse>> ListAsync(MaintenanceSessions sessions, CancellationToken ct)
    {
        var ids = new List<string>();
        foreach (var id in await sessions.ListSessionIdsAsync(ct))
        {
            var (state, _) = await sessions.LoadAsync(id, ct);
            if (state.Status is not (SessionStatus.Deleted or SessionStatus.NotStarted))
                ids.Add(id);
        }
        return TypedResults.Ok(new SessionListResponse(ids));
    }

    /// <summary>An admin sees the whole session; a project only a session it is part of, and only its own view of it.</summary>
    private static async Task<Results<Ok<SessionResponse>, Ok<ProjectSessionResponse>, ProblemHttpResult>> GetAsync(
        string sessionId, HttpContext http, MaintenanceSessions sessions, CancellationToken ct)
    {
        if (AlarmCaller.From(http.User, out var refusal) is not { } caller)
            return TypedResults.Problem(title: refusal, statusCode: StatusCodes.Status403Forbidden);
        var state = await LoadVisibleAsync(sessions, sessionId, ct);
        if (state is null)
            return SessionNotFound(sessionId);
        if (caller.IsAdmin)
            return TypedResults.Ok(ToResponse(state));
        var project = caller.ProjectId!;
        var inSession = state.KnownProjects.Contains(project) || state.CurrentWindow?.Projects.ContainsKey(project) == true;
        return inSession ? TypedResults.Ok(ProjectSessionResponse.Of(state, project)) : SessionNotFound(sessionId);
    }

    private static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> UpdateAsync(
        string sessionId, SessionUpdateRequest request, HttpContext http, MaintenanceSessions sessions, MaintenanceEngine engine, WorkflowCatalog catalog, CancellationToken ct)
    {
        var state = await LoadVisibleAsync(sessions, sessionId, ct);
        if (state is null)
            return SessionNotFound(sessionId);
        var definition = await catalog.GetAsync(state.WorkflowId, state.WorkflowVersion, ct);
        var target = request.State ?? "";
        if (!definition.States.TryGetValue(target, out var targetState) || targetState.IsFinal)
            return DomainProblems.BadRequest($"state: '{target}' is not a state of workflow {definition.Id} a session can continue from " +
                                            $"({string.Join(", ", definition.States.Values.Where(s => !s.IsFinal).Select(s => s.Name))})");
        try
        {
            var change = await sessions.ExecuteAsync(sessionId, (_, t) => new ResumeSession(target, t), http.EventMetadata("resume"), ct);
            engine.Poke(sessionId);
            return TypedResults.Ok(ToResponse(change.State));
        }
        catch (DomainRuleViolation e)
        {
            return DomainProblems.From(e);
        }
    }

    private static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> DeleteAsync(
        string sessionId, HttpContext http, MaintenanceSessions sessions, MaintenanceEngine engine, CancellationToken ct)
    {
        if (await LoadVisibleAsync(sessions, sessionId, ct) is null)
            return SessionNotFound(sessionId);
        var change = await sessions.ExecuteAsync(sessionId, (_, t) => new DeleteSession(http.Actor(), t), http.EventMetadata("delete"), ct);
        // Stop what runs, then answer only once every compute the session disabled is enabled again.
        engine.Interrupt(sessionId);
        await engine.AdvanceNowAsync(sessionId, ct);
        var (after, _) = await sessions.LoadAsync(sessionId, ct);
        return TypedResults.Ok(ToResponse(after));
    }

    private static async Task<Results<Ok<SessionHistoryResponse>, ProblemHttpResult>> HistoryAsync(string sessionId, MaintenanceSessions sessions, CancellationToken ct)
    {
        var events = await sessions.ReadEventsAsync(sessionId, ct);
        if (events.Count == 0)
            return SessionNotFound(sessionId);
        return TypedResults.Ok(new SessionHistoryResponse(sessionId, events.Select(e => new SessionHistoryEntry(
            e.Version, e.Seq, e.Type, e.RecordedAt, e.Metadata.Actor, e.Metadata.CorrelationId, JsonNode.Parse(e.Data))).ToList()));
    }

    private static async Task<Results<Ok<ProjectInstancesResponse>, ProblemHttpResult>> ProjectInstancesAsync(
        string sessionId, string projectId, HttpContext http, MaintenanceSessions sessions, IInfrastructure infrastructure, CancellationToken ct)
    {
        if (OtherProject(http, projectId) is { } refused)
            return refused;
        var state = await LoadVisibleAsync(sessions, sessionId, ct);
        if (state is null)
            return SessionNotFound(sessionId);
        if (state.CurrentWindow?.Projects.GetValueOrDefault(projectId) is { } audience)
            return TypedResults.Ok(new ProjectInstancesResponse(audience.InstanceIds));
        var hosts = state.Hosts.ToHashSet(StringComparer.Ordinal);
        var onHosts = (await infrastructure.ListInstancesAsync(projectId: projectId, ct: ct)).Where(i => hosts.Contains(i.Host)).Select(i => i.Id).ToList();
        return onHosts.Count > 0 || state.KnownProjects.Contains(projectId)
            ? TypedResults.Ok(new ProjectInstancesResponse(onHosts))
            : DomainProblems.NotFound($"project {projectId} has no instances in session {sessionId}");
    }

    private static Task<Results<Ok, ProblemHttpResult>> ProjectReplyAsync(
        string sessionId, string projectId, ProjectReplyRequest request, HttpContext http, MaintenanceSessions sessions, MaintenanceEngine engine, CancellationToken ct)
    {
        if (OtherProject(http, projectId) is { } refused)
            return Task.FromResult<Results<Ok, ProblemHttpResult>>(refused);
        if (string.IsNullOrWhiteSpace(request.State))
            return Task.FromResult<Results<Ok, ProblemHttpResult>>(DomainProblems.BadRequest("state: required (ACK_<STATE> or NACK_<STATE>)"));
        var actions = request.InstanceActions ?? [];
        return ReplyAsync(sessionId, projectId, (_, t) => new RecordReply(projectId, request.State, actions, t), http, sessions, engine, ct);
    }

    private static Task<Results<Ok, ProblemHttpResult>> InstanceReplyAsync(
        string sessionId, string projectId, string instanceId, InstanceReplyRequest request, HttpContext http, MaintenanceSessions sessions, MaintenanceEngine engine, CancellationToken ct)
    {
        if (OtherProject(http, projectId) is { } refused)
            return Task.FromResult<Results<Ok, ProblemHttpResult>>(refused);
        if (string.IsNullOrWhiteSpace(request.State))
            return Task.FromResult<Results<Ok, ProblemHttpResult>>(DomainProblems.BadRequest("state: required (ACK_<STATE> or NACK_<STATE>)"));
        var actions = request.InstanceAction is { Length: > 0 } a ? new Dictionary<string, string> { [instanceId] = a } : [];
        return ReplyAsync(sessionId, projectId, (_, t) => new RecordReply(projectId, request.State, actions, t, instanceId), http, sessions, engine, ct);
    }

    private static async Task<Results<Ok, ProblemHttpResult>> ReplyAsync(
        string sessionId, string projectId, Func<SessionState, DateTimeOffset, MaintenanceCommand> command, HttpContext http,
        MaintenanceSessions sessions, MaintenanceEngine engine, CancellationToken ct)
    {
        if (await LoadVisibleAsync(sessions, sessionId, ct) is null)
            return SessionNotFound(sessionId);
        try
        {
            var change = await sessions.ExecuteAsync(sessionId, command, http.EventMetadata($"reply:{sessionId}:{projectId}"), ct);
            if (change.Events.Count > 0)
                engine.Poke(sessionId);
            return TypedResults.Ok();
        }
        catch (DomainRuleViolation e)
        {
            return DomainProblems.From(e);
        }
    }

    private static async Task<SessionState?> LoadVisibleAsync(MaintenanceSessions sessions, string sessionId, CancellationToken ct)
    {
        if (!Guid.TryParse(sessionId, out _))
            return null;
        var (state, _) = await sessions.LoadAsync(sessionId, ct);
        return state.Status is SessionStatus.NotStarted or SessionStatus.Deleted ? null : state;
    }

    /// <summary>A project token acts for its own project only (CONTRACTS.md "Auth": 403, never the other project's data).</summary>
    private static ProblemHttpResult? OtherProject(HttpContext http, string projectId)
    {
        if (AlarmCaller.From(http.User, out var refusal) is not { } caller)
            return TypedResults.Problem(title: refusal, statusCode: StatusCodes.Status403Forbidden);
        return caller.IsAdmin || string.Equals(caller.ProjectId, projectId, StringComparison.Ordinal)
            ? null
            : TypedResults.Problem(title: $"project_id: a token of project {caller.ProjectId} may not act for project {projectId}", statusCode: StatusCodes.Status403Forbidden);
    }

    private static ProblemHttpResult SessionNotFound(string sessionId) => DomainProblems.NotFound($"session_id: no maintenance session {sessionId}");

    private static SessionResponse ToResponse(SessionState s) => new(
        s.SessionId, s.State, s.Status.ToString().ToLowerInvariant(), s.Status == SessionStatus.Failed ? s.FailureReason : s.StateReason,
        s.Hosts, s.MaintainedHosts, s.HostInMaintenance ?? s.ChosenHost,
        s.Hosts.Count == 0 ? 0 : s.MaintainedHosts.Count * 100 / s.Hosts.Count,
        s.WorkflowId, s.WorkflowVersion, FenixTime.InForm(s.MaintenanceAt, s.MaintenanceAtForm),
        s.Policy == SubscriptionPolicy.Proceed ? "proceed" : "require_subscription", s.CreatedAt, s.UpdatedAt);
}
