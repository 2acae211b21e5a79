using System.Collections.Concurrent;
using System.Text.Json;
using Doctor.Domain;
using Doctor.Domain.Hosts;
using Doctor.Domain.Maintenance;
using Doctor.Workflows.Engine;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Hosts;
using Doctor.Workflows.Infrastructure;
using Doctor.Workflows.Maintenance.Activities;
using Doctor.Workflows.Maintenance.Audiences;
using Doctor.Workflows.Maintenance.Guards;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Doctor.Workflows.Maintenance.Engine;

/// <summary>
/// Drives sessions through their workflow. Anything that may change what a session needs (a reply, a timer, a delete,
/// a start) pokes it; one loop per session at a time then asks the interpreter for the next step and carries it out
/// until the session has to wait. Everything it knows comes from the session's events, so a restart just pokes again.
/// With several nodes on one database a pass holds the session's lease (<see cref="SessionLeases"/>), so one node
/// drives a session at a time; any node may take the next pass, and <see cref="TakeOverIfUndrivenAsync"/> lets a node
/// pick up the sessions of a node that died.
/// </summary>
public sealed class MaintenanceEngine(
    MaintenanceSessions sessions,
    WorkflowCatalog catalog,
    IInfrastructure infrastructure,
    PhysicalResources hosts,
    IEnumerable<IMaintenanceActivity> activities,
    IEnumerable<IWorkflowGuard> guards,
    IEnumerable<IMaintenanceAudience> audiences,
    IMaintenanceSubscriptions subscriptions,
    SessionDeadlines deadlines,
    SessionLeases leases,
    IOptions<MaintenanceOptions> options,
    ILogger<MaintenanceEngine> logger)
{
    private const string ScheduledEventType = MaintenanceNotifications.Scheduled;
    private readonly Dictionary<string, IMaintenanceActivity> _activities = activities.ToDictionary(a => a.Name, StringComparer.Ordinal);
    private readonly Dictionary<string, IWorkflowGuard> _guards = guards.ToDictionary(g => g.Name, StringComparer.Ordinal);
    private readonly Dictionary<string, IMaintenanceAudience> _audiences = audiences.ToDictionary(a => a.Name, StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SessionLoop> _loops = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    public WorkflowVocabulary Vocabulary => new(_activities.Keys.ToHashSet(), _guards.Keys.ToHashSet(), _audiences.Keys.ToHashSet());

    /// <summary>Asks the session's loop to look again; returns at once. Pokes while it runs coalesce into one more pass.</summary>
    public void Poke(string sessionId)
    {
        var loop = _loops.GetOrAdd(sessionId, _ => new SessionLoop());
        if (Interlocked.Exchange(ref loop.Dirty, 1) == 0)
            _ = Task.Run(() => DrainAsync(sessionId, loop));
    }

    /// <summary>Runs the session's loop now and returns when it has to wait (used where an answer must follow the work, e.g. DELETE).</summary>
    public async Task AdvanceNowAsync(string sessionId, CancellationToken ct = default)
    {
        var loop = _loops.GetOrAdd(sessionId, _ => new SessionLoop());
        await loop.Gate.WaitAsync(ct);
        try
        {
            await using var lease = await leases.TakeAsync(sessionId, ct);
            Interlocked.Exchange(ref loop.Dirty, 0);
            await AdvanceAsync(sessionId, loop, _stopping.Token);
        }
        finally
        {
            loop.Gate.Release();
        }
    }

    /// <summary>
    /// Takes a pass over the session if no node drives it now (neither this one nor another): how the sessions of a
    /// node that died are taken over, and how this node arms their deadlines. Returns at once when the session is busy.
    /// </summary>
    public async Task TakeOverIfUndrivenAsync(string sessionId, CancellationToken ct = default)
    {
        var loop = _loops.GetOrAdd(sessionId, _ => new SessionLoop());
        if (!await loop.Gate.WaitAsync(0, ct))
            return;
        try
        {
            await using var lease = await leases.TryTakeAsync(sessionId, ct);
            if (lease is null)
                return;
            Interlocked.Exchange(ref loop.Dirty, 0);
            do
                await AdvanceAsync(sessionId, loop, _stopping.Token);
            while (Interlocked.Exchange(ref loop.Dirty, 0) == 1 && !_stopping.IsCancellationRequested);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested || ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Session {SessionId}: take-over failed; trying again at the next round", sessionId);
        }
        finally
        {
            loop.Gate.Release();
        }
    }

    /// <summary>Stops an activity in flight (a delete must not wait for a long migration or plug-in).</summary>
    public void Interrupt(string sessionId)
    {
        if (_loops.TryGetValue(sessionId, out var loop))
            loop.Interrupt();
    }

    public async Task DeadlineReachedAsync(string sessionId, string kind, int round, CancellationToken ct)
    {
        if (kind == SessionDeadlines.ReplyWindow)
            await sessions.ExecuteAsync(sessionId, (_, now) => new ExpireReplyWindow(round, now),
                EventMetadata.Engine(sessionId, commandId: $"expire:{sessionId}:{round}"), ct);
        Poke(sessionId);
    }

    public void Stop() => _stopping.Cancel();

    private async Task DrainAsync(string sessionId, SessionLoop loop)
    {
        await loop.Gate.WaitAsync();
        try
        {
            // Waits while another node drives the session; the pokes that arrive meanwhile are seen by the pass after.
            await using var lease = await leases.TakeAsync(sessionId, _stopping.Token);
            while (Interlocked.Exchange(ref loop.Dirty, 0) == 1 && !_stopping.IsCancellationRequested)
                await AdvanceAsync(sessionId, loop, _stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // The lease could not be had (database unreachable): the next poke or take-over round tries again.
            Volatile.Write(ref loop.Dirty, 0);
            logger.LogWarning(e, "Session {SessionId}: could not take its lease; trying again at the next poke or take-over round", sessionId);
        }
        finally
        {
            loop.Gate.Release();
        }
    }

    private async Task AdvanceAsync(string sessionId, SessionLoop loop, CancellationToken stopping)
    {
        for (var steps = 0; steps < 10_000; steps++)
        {
            using var interruptible = loop.NewActivityScope(stopping);
            var ct = interruptible.Token;
            try
            {
                var (state, _) = await sessions.LoadAsync(sessionId, stopping);
                if (state.Status == SessionStatus.NotStarted)
                    return;
                var definition = await catalog.GetAsync(state.WorkflowId, state.WorkflowVersion, stopping);
                var step = MaintenanceInterpreter.Next(definition, state, sessions.Now);
                logger.LogDebug("Session {SessionId} {State} round {Round}: {Step}", sessionId, state.State, state.Round, step.GetType().Name);
                if (!await CarryOutAsync(sessionId, state, definition, step, ct))
                    return;
            }
            catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
            {
                // Interrupted (a delete): look again, the session's events say what is left to do.
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Session {SessionId}: step failed; the session fails", sessionId);
                var (state, _) = await sessions.LoadAsync(sessionId, stopping);
                var definition = await catalog.GetAsync(state.WorkflowId, state.WorkflowVersion, stopping);
                await FailAsync(sessionId, definition, $"engine error: {e.Message}", stopping);
            }
        }
        logger.LogError("Session {SessionId}: too many steps in one pass; stopping this pass", sessionId);
    }

    /// <returns>true to take the next step at once, false when the session has to wait.</returns>
    private async Task<bool> CarryOutAsync(string sessionId, SessionState state, WorkflowDefinition definition, EngineStep step, CancellationToken ct)
    {
        var meta = EventMetadata.Engine(sessionId);
        switch (step)
        {
            case EngineStep.Idle:
                return false;

            case EngineStep.RestoreComputes:
                foreach (var host in state.DisabledComputes.Order(StringComparer.Ordinal))
                {
                    if (state.HostInMaintenance == host)
                    {
                        await infrastructure.SetHostStateAsync(host, HostStates.Normal, ct);
                        await hosts.ReleaseFromMaintenanceAsync(host, sessionId, ct);
                    }
                    await infrastructure.SetComputeEnabledAsync(host, true, null, ct);
                    await sessions.ExecuteAsync(sessionId, (_, now) => new EnableCompute(host, now), meta, ct);
                }
                return true;

            case EngineStep.Finish { Succeeded: true }:
                if (!state.DisabledComputes.IsEmpty)
                    return await CarryOutAsync(sessionId, state with { Status = SessionStatus.Done }, definition, new EngineStep.RestoreComputes(), ct);
                await sessions.ExecuteAsync(sessionId, (_, now) => new CompleteSession(now), meta, ct);
                logger.LogInformation("Session {SessionId} done: {Hosts} hosts maintained", sessionId, state.MaintainedHosts.Count);
                return true;

            case EngineStep.Finish f:
                await sessions.ExecuteAsync(sessionId, (_, now) => new FailSession(f.Reason, now), meta, ct);
                logger.LogWarning("Session {SessionId} failed: {Reason}", sessionId, f.Reason);
                return true;

            case EngineStep.RunActivity a:
                var context = new ActivityContext(sessionId, state, sessions, infrastructure, hosts, options.Value);
                var failure = await _activities[a.Activity].RunAsync(context, ct);
                if (!context.StillRunning)
                    return true;
                if (failure is not null)
                {
                    var onFailure = definition.State(state.State).OnFailure!;
                    await sessions.ExecuteAsync(sessionId, (_, now) => new EnterState(onFailure, failure, now), meta, ct);
                }
                else
                    await sessions.ExecuteAsync(sessionId, (s, now) => new CompleteActivity(a.Activity, a.Stage, state.Round, now), meta, ct);
                return true;

            case EngineStep.OpenWindow o:
                return await OpenWindowAsync(sessionId, state, definition, o.Notify, ct);

            case EngineStep.AwaitReplies w:
                await deadlines.ArmAsync(sessionId, SessionDeadlines.ReplyWindow, w.Round, w.Deadline, ct);
                return false;

            case EngineStep.HoldUntil h:
                await deadlines.ArmAsync(sessionId, SessionDeadlines.Hold, h.Round, h.Until, ct);
                return false;

            case EngineStep.TakeTransition t:
                if (RestoreBeforeSuccess(state, definition, t.To))
                    return await CarryOutAsync(sessionId, state, definition, new EngineStep.RestoreComputes(), ct);
                await sessions.ExecuteAsync(sessionId, (_, now) => new EnterState(t.To, t.Reason, now), meta, ct);
                return true;

            case EngineStep.ChooseBranch b:
                var context2 = new GuardContext(state, await infrastructure.ListHostsAsync(ct), await infrastructure.ListInstancesAsync(ct: ct));
                var branch = b.Branches.First(x => x.If is null || _guards[x.If].Holds(context2));
                if (RestoreBeforeSuccess(state, definition, branch.Goto))
                    return await CarryOutAsync(sessionId, state, definition, new EngineStep.RestoreComputes(), ct);
                var reason = branch.If is null ? $"{state.State} finished" : $"{state.State} finished and {branch.If}";
                await sessions.ExecuteAsync(sessionId, (_, now) => new EnterState(branch.Goto, reason, now), meta, ct);
                return true;

            default:
                throw new InvalidOperationException($"unknown step {step.GetType().Name}");
        }
    }

    /// <summary>
    /// Computes come back before a session says it succeeded, so a client that sees MAINTENANCE_DONE never finds a
    /// host the session left disabled.
    /// </summary>
    private static bool RestoreBeforeSuccess(SessionState state, WorkflowDefinition definition, string to) =>
        !state.DisabledComputes.IsEmpty && definition.State(to) is { IsFinal: true, Final: "succeeded" };

    private async Task<bool> OpenWindowAsync(string sessionId, SessionState state, WorkflowDefinition definition, NotifyDefinition notify, CancellationToken ct)
    {
        var meta = EventMetadata.Engine(sessionId);
        var instances = await infrastructure.ListInstancesAsync(ct: ct);
        var selected = _audiences[notify.Audience].Select(state, instances);
        await subscriptions.RefreshAsync(ct); // an alarm may have been created on another node
        var policy = state.Policy;
        var audience = new List<ProjectAudience>();
        foreach (var (projectId, instanceIds) in selected)
        {
            var listens = subscriptions.ProjectListensTo(projectId, ScheduledEventType);
            if (!listens && policy == SubscriptionPolicy.RequireSubscription)
            {
                await FailAsync(sessionId, definition,
                    $"project {projectId} has instances in the session but no alarm on {ScheduledEventType} (policy require_subscription)", ct);
                return true;
            }
            audience.Add(new ProjectAudience(projectId, instanceIds, Interactive: listens));
        }
        var now = sessions.Now;
        var overrides = options.Value.Windows;
        var deadline = MaintenanceInterpreter.ResolveTime(notify.Window, definition, state, now, overrides);
        if (notify.MustReplyBefore is { } before)
        {
            var limit = MaintenanceInterpreter.ResolveTime(before, definition, state, now, overrides);
            if (limit < deadline)
                deadline = limit;
        }
        DateTimeOffset? actionsAt = definition.State(state.State).HoldUntil is not null ? state.MaintenanceAt : deadline;
        await sessions.ExecuteAsync(sessionId, (s, t) => new OpenReplyWindow(s.Round, audience, notify.AllowedActions, deadline, actionsAt, t), meta, ct);
        logger.LogInformation("Session {SessionId} {State}: asked {Projects} project(s), replies until {Deadline}",
            sessionId, state.State, audience.Count(a => a.Interactive), deadline);
        return true;
    }

    /// <summary>Fails the session outside the graph's edges: into the workflow's failed state, so its state says so, with the reason.</summary>
    private async Task FailAsync(string sessionId, WorkflowDefinition definition, string reason, CancellationToken ct)
    {
        var meta = EventMetadata.Engine(sessionId);
        if (definition.FailedState is { } failed)
            await sessions.ExecuteAsync(sessionId, (s, now) => s.State == failed ? new FailSession(reason, now) : new EnterState(failed, reason, now), meta, ct);
        else
            await sessions.ExecuteAsync(sessionId, (_, now) => new FailSession(reason, now), meta, ct);
    }

    /// <summary>Per-session loop state: one pass at a time, a dirty flag for pokes, and a way to interrupt an activity.</summary>
    private sealed class SessionLoop
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        public int Dirty;
        private CancellationTokenSource? _current;

        public CancellationTokenSource NewActivityScope(CancellationToken stopping)
        {
            var cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            Volatile.Write(ref _current, cts);
            return cts;
        }

        public void Interrupt()
        {
            try
            {
                Volatile.Read(ref _current)?.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
