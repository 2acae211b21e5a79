using System.Text.Json.Nodes;
using Doctor.AdminApi.Alarms;
using Doctor.AdminApi.Problems;
using Doctor.Domain;
using Doctor.Domain.Maintenance;
using Doctor.Domain.Hosts;
using Doctor.Workflows.Engine;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Hosts;
using Doctor.Workflows.Infrastructure;
using Doctor.Workflows.Maintenance;
using Doctor.Workflows.Maintenance.Detail;
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
        group.MapGet("/", ListAsync).WithSummary("List maintenance sessions, {\"session_id\": [...], \"sessions\": [...]} (admin)");
        group.MapGet("/{sessionId}", GetAsync).WithSummary("A session's state");
        group.MapPut("/{sessionId}", UpdateAsync)
            .WithSummary("Update a session: continue a failed one from a state, move maintenance_at before maintenance begins (admin)");
        group.MapPost("/{sessionId}", UpdateAsync).WithSummary("The same as PUT: continue a failed session from a state, move maintenance_at (admin)");
        group.MapGet("/{sessionId}/detail", DetailAsync)
            .WithSummary("The session with its hosts, projects, instance actions and host actions and their outcome, and the states it may continue from (admin)");
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
        if (MaintenanceAtProblem(request.MaintenanceAt, sessions.Now, options.Value, out var maintenanceAt, out var form) is { } timeProblem)
            return timeProblem;

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

    /// <summary>From the session list (<see cref="SessionList"/>): one query, whatever the number of sessions and the length of their streams.</summary>
    private static async Task<Ok<SessionListResponse>> ListAsync(SessionList list, CancellationToken ct)
    {
        var ids = await list.ListIdsAsync(ct);
        return TypedResults.Ok(new SessionListResponse(ids, ids));
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

    /// <summary>
    /// Fenix's session update: <c>maintenance_at</c> moves the start (in the initial state the session asks its projects
    /// again for the new time), <c>state</c> continues a failed session from that state; both together reschedule and
    /// resume in one decision.
    /// </summary>
    private static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> UpdateAsync(
        string sessionId, SessionUpdateRequest request, HttpContext http, MaintenanceSessions sessions, MaintenanceEngine engine, WorkflowCatalog catalog,
        IOptions<MaintenanceOptions> options, CancellationToken ct)
    {
        var state = await LoadVisibleAsync(sessions, sessionId, ct);
        if (state is null)
            return SessionNotFound(sessionId);
        if (request.State is null && request.MaintenanceAt is null)
            return DomainProblems.BadRequest("state, maintenance_at: give the state to continue a failed session from, a new maintenance_at, or both");
        var commands = new List<Func<DateTimeOffset, MaintenanceCommand>>();
        if (request.MaintenanceAt is { } text)
        {
            if (MaintenanceAtProblem(text, sessions.Now, options.Value, out var maintenanceAt, out var form) is { } timeProblem)
                return timeProblem;
            commands.Add(t => new RescheduleSession(maintenanceAt, form, t));
        }
        if (request.State is { } target)
        {
            var definition = await catalog.GetAsync(state.WorkflowId, state.WorkflowVersion, ct);
            if (!definition.States.TryGetValue(target, out var targetState) || targetState.IsFinal)
                return DomainProblems.BadRequest($"state: '{target}' is not a state of workflow {definition.Id} a session can continue from " +
                                                $"({string.Join(", ", definition.States.Values.Where(s => !s.IsFinal).Select(s => s.Name))})");
            commands.Add(t => new ResumeSession(target, t));
        }
        try
        {
            var change = await sessions.ExecuteAllAsync(sessionId, (_, t) => [.. commands.Select(c => c(t))],
                http.EventMetadata(request.State is null ? "reschedule" : "resume"), ct);
            engine.Poke(sessionId);
            return TypedResults.Ok(ToResponse(change.State));
        }
        catch (DomainRuleViolation e)
        {
            return DomainProblems.From(e);
        }
    }

    /// <summary>
    /// The session in detail: its own fold of the stream (one session's stream, read once), the cloud's view of the
    /// instances it moved, each host's physical state.
    /// </summary>
    private static async Task<Results<Ok<SessionDetailResponse>, ProblemHttpResult>> DetailAsync(
        string sessionId, MaintenanceSessions sessions, EventTypeRegistry types, WorkflowCatalog catalog, IInfrastructure infrastructure,
        PhysicalResources physical, CancellationToken ct)
    {
        if (!Guid.TryParse(sessionId, out _))
            return SessionNotFound(sessionId);
        var events = (await sessions.ReadEventsAsync(sessionId, ct)).Select(types.Deserialize).OfType<IMaintenanceEvent>();
        var detail = SessionDetailProjection.Fold(events);
        if (detail.Session.Status is SessionStatus.NotStarted or SessionStatus.Deleted)
            return SessionNotFound(sessionId);
        var definition = await catalog.GetAsync(detail.Session.WorkflowId, detail.Session.WorkflowVersion, ct);
        var instances = new Dictionary<string, ServerInstance>(StringComparer.Ordinal);
        foreach (var project in detail.Instances.Select(i => i.ProjectId).Distinct(StringComparer.Ordinal))
        {
            foreach (var instance in await infrastructure.ListInstancesAsync(projectId: project, ct: ct))
                instances[instance.Id] = instance;
        }
        var hostStates = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var host in detail.Session.Hosts)
            hostStates[host] = (await physical.GetAsync(host, ct)).State.Name();
        return TypedResults.Ok(SessionDetailResponse.Of(detail, definition, instances, hostStates));
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

    /// <summary>Why <paramref name="text"/> cannot be a session's maintenance_at (not a time, past, too close for replies), or null.</summary>
    private static ProblemHttpResult? MaintenanceAtProblem(string text, DateTimeOffset now, MaintenanceOptions options, out DateTimeOffset maintenanceAt, out string form)
    {
        if (!FenixTime.TryParse(text, out maintenanceAt, out form))
            return DomainProblems.BadRequest($"maintenance_at: '{text}' is not a time (\"YYYY-MM-DD HH:MM:SS\" UTC or ISO 8601)");
        if (maintenanceAt < now)
            return DomainProblems.BadRequest($"maintenance_at: {text} is in the past");
        var minimum = options.MinimumReplyWindow;
        return maintenanceAt < now + minimum
            ? DomainProblems.BadRequest($"maintenance_at: {text} is too close: projects need at least {minimum.TotalSeconds:0.#} s to reply before it")
            : null;
    }

    private static ProblemHttpResult SessionNotFound(string sessionId) => DomainProblems.NotFound($"session_id: no maintenance session {sessionId}");

    private static SessionResponse ToResponse(SessionState s) => new(
        s.SessionId, s.State, s.Status.ToString().ToLowerInvariant(), s.Status == SessionStatus.Failed ? s.FailureReason : s.StateReason,
        s.Hosts, s.MaintainedHosts, s.HostInMaintenance ?? s.ChosenHost,
        s.Hosts.Count == 0 ? 0 : s.MaintainedHosts.Count * 100 / s.Hosts.Count,
        s.WorkflowId, s.WorkflowVersion, FenixTime.InForm(s.MaintenanceAt, s.MaintenanceAtForm),
        s.Policy == SubscriptionPolicy.Proceed ? "proceed" : "require_subscription", s.CreatedAt, s.UpdatedAt);
}
