using System.Collections.Concurrent;
using Doctor.Domain.Faults;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Infrastructure;
using Doctor.Workflows.Notifications;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Doctor.Workflows.Faults;

/// <summary>
/// The inspector's fast path (DESIGN.md §8): policy → correlation with the cached resource map → ONE append holding
/// every incident's events and its outbox notifications → at the same time, the notifications handed to the fast lane
/// and the fencing actions started (host forced down, instances ERROR, ports DOWN). A slow driver call delays no
/// notification: the caller gets its answer once the notifications are handed over; fencing completes in the
/// background and its stage times are appended when it is done.
/// </summary>
public sealed class FaultInspector(
    ResourceMap map,
    IncidentBook book,
    FailurePolicySource policies,
    FailureWindow window,
    IEventStore store,
    EventTypeRegistry types,
    INotificationShortcut shortcut,
    IInfrastructure infrastructure,
    FaultMetrics metrics,
    IOptions<FaultOptions> options,
    TimeProvider clock,
    ILogger<FaultInspector> logger)
{
    public const string HostDown = "compute.host.down";
    public const string HostUp = "compute.host.up";
    private const int MaxAttempts = 5;

    private readonly ConcurrentDictionary<Task, byte> _fencing = new();
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _writers = new(StringComparer.Ordinal);

    // Hosts whose fencing incident is being appended right now: a concurrent report about the same host joins it
    // as a repeat instead of opening a second incident.
    private readonly ConcurrentDictionary<string, (string IncidentId, TaskCompletionSource Appended)> _opening = new(StringComparer.Ordinal);

    /// <summary>Completes when every fencing started so far has finished and recorded its stages (tests, benchmarks).</summary>
    public Task WhenFencedAsync() => Task.WhenAll(_fencing.Keys);

    /// <summary>
    /// Handles events received at <paramref name="receivedAt"/>. <paramref name="explicitCommand"/> is an admin's
    /// own order (state change to <c>down</c>): it fences a host even in maintenance.
    /// </summary>
    public async Task<IReadOnlyList<FaultOutcome>> ReportAsync(IReadOnlyList<FaultReport> reports, DateTimeOffset receivedAt, string actor,
        bool explicitCommand = false, CancellationToken ct = default)
    {
        // Incidents other nodes opened count too (IncidentBookFollower keeps the book current): a host another node
        // already fences is a repeat here. Only the first report waits for the book to be read.
        await book.EnsureOpenLoadedAsync(ct);
        metrics.Received(reports.Count);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ReportOnceAsync(reports, receivedAt, actor, explicitCommand, ct);
            }
            catch (WrongExpectedVersionException e) when (attempt < MaxAttempts && e.StreamId.StartsWith(FaultEventTypes.HostClaimStreamPrefix, StringComparison.Ordinal))
            {
                // Another node opened an incident on one of these hosts in the same moment (its claim committed first).
                // Nothing of this report was written: decided again on the caught-up book, that host is a repeat of it.
                logger.LogInformation("Fault report: {Stream} was claimed by another node meanwhile (attempt {Attempt}); deciding the report again",
                    e.StreamId, attempt);
                await book.CatchUpOpenAsync(ct);
            }
        }
    }

    private async Task<IReadOnlyList<FaultOutcome>> ReportOnceAsync(IReadOnlyList<FaultReport> reports, DateTimeOffset receivedAt, string actor,
        bool explicitCommand, CancellationToken ct)
    {
        var policy = policies.Current;
        var metadata = new EventMetadata(Guid.NewGuid().ToString(), null, actor, null);
        var outcomes = new FaultOutcome?[reports.Count];
        var opened = new List<Opened>();
        var appends = new List<StreamAppend>();
        var repeats = new List<(int Index, string IncidentId, Task Appended, RecordRepeat Command)>();
        var recoveries = new List<(int Index, string Host, string Cause)>();
        var mine = new List<(string Host, TaskCompletionSource Appended)>();
        var batched = new List<(int Index, string IncidentId, FaultRecorded Fault)>();
        // One fencing claim per host fenced here, at the claim stream's version this node saw with no incident open on it.
        var claims = new List<(string Host, StreamAppend Append)>();
        var verdicts = new List<string>();

        var ids = BulkGuids.Take(reports.Count * 2);
        for (var i = 0; i < reports.Count; i++)
        {
            var report = reports[i];
            var rule = policy.RuleFor(report.Type, report.DetailStrings());
            if (rule.Action == FaultAction.Recover)
            {
                recoveries.Add((i, report.Hostname ?? "", report.Type));
                continue;
            }
            var faultId = ids[2 * i].ToString();
            var host = report.Hostname is null ? null : map.Host(report.Hostname);
            // Read before the book is asked for an open incident: the book notes a claim only after the incident that
            // made it, so a claim read first is never newer than the incidents seen after it (else it would not conflict).
            var claimVersion = host is null ? 0 : book.ClaimVersion(host.Name);
            var verdict = FaultVerdict.Recorded;
            var reason = $"policy: {report.Type} is recorded only";
            IReadOnlyList<string> correlated = [];
            var notify = false;
            if (host is null)
            {
                verdict = FaultVerdict.Unmatched;
                reason = report.Hostname is null ? "the event names no host" : $"host {report.Hostname} is not known to the resource map";
            }
            else if (rule.Action != FaultAction.Record && OpenOrOpening(host.Name) is { } open)
            {
                repeats.Add((i, open.IncidentId, open.Appended, new RecordRepeat(faultId, report.Type, report.Time, receivedAt)));
                continue;
            }
            else if (rule.Action != FaultAction.Record && host.InMaintenance && !explicitCommand)
            {
                verdict = FaultVerdict.InMaintenance;
                reason = $"host {host.Name} is in maintenance: not fenced automatically";
                notify = policy.NotifyInMaintenance;
            }
            else if (rule.Action == FaultAction.Aggregate)
            {
                var earlier = window.Count(host.Name, faultId, receivedAt, policy.AggregationFailures, policy.AggregationWindow);
                if (earlier is null)
                {
                    verdict = FaultVerdict.Counted;
                    reason = $"non-critical: counts toward {policy.AggregationFailures} within {policy.AggregationWindow}";
                }
                else
                {
                    verdict = FaultVerdict.Fence;
                    correlated = earlier;
                    reason = $"{earlier.Count + 1} non-critical failures within {policy.AggregationWindow}";
                }
            }
            else if (rule.Action == FaultAction.Fence)
            {
                verdict = FaultVerdict.Fence;
                reason = $"policy: {report.Type} makes the {rule.Affects} unavailable";
            }
            var decidedAt = clock.GetUtcNow();

            var incidentId = ids[2 * i + 1].ToString();
            if (verdict == FaultVerdict.Fence && host is not null)
            {
                var appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                if (!_opening.TryAdd(host.Name, (incidentId, appended)))
                {
                    var other = _opening.TryGetValue(host.Name, out var o) ? o : (IncidentId: book.OpenOn(host.Name) ?? "", Appended: CompletedSource);
                    repeats.Add((i, other.IncidentId, other.Appended.Task, new RecordRepeat(faultId, report.Type, report.Time, receivedAt)));
                    continue;
                }
                if (book.OpenOn(host.Name) is { } justOpened)
                {
                    // The other report finished between our look and our claim.
                    _opening.TryRemove(host.Name, out _);
                    repeats.Add((i, justOpened, Task.CompletedTask, new RecordRepeat(faultId, report.Type, report.Time, receivedAt)));
                    continue;
                }
                mine.Add((host.Name, appended));
                claims.Add((host.Name, new StreamAppend(FaultEventTypes.HostClaimStreamId(host.Name), FaultEventTypes.HostClaimStreamType,
                    ExpectedVersion.Exactly(claimVersion), [types.Serialize(new HostFencingClaimed(host.Name, incidentId, decidedAt), Guid.CreateVersion7())],
                    metadata)));
            }
            var instances = host is not null && (verdict == FaultVerdict.Fence || notify) ? host.Instances : [];
            var correlatedAt = clock.GetUtcNow();
            var severity = ReferenceEquals(rule, policy.Default) ? report.Severity ?? rule.Severity : rule.Severity;
            var fault = new FaultReceived(incidentId, faultId, report.Type, host?.Name ?? report.Hostname, severity,
                report.Time, report.Cause, report.Source, report.Details.ToJsonString(), receivedAt);
            var affects = verdict == FaultVerdict.Fence && rule.Action == FaultAction.Aggregate ? FaultRule.AffectsHost : rule.Affects;
            var events = FaultIncident.Decide(
                new OpenIncident(fault, verdict, affects, reason, correlated, decidedAt, instances, correlatedAt), IncidentState.Initial);

            FaultNotificationsEmitted? outbox = verdict == FaultVerdict.Fence
                ? new FaultNotificationsEmitted(fault, instances, correlated, "error", affects == FaultRule.AffectsHost ? "DOWN" : "UP",
                    InstanceUpdates: affects == FaultRule.AffectsHost, Recovered: false, correlatedAt)
                : notify ? new FaultNotificationsEmitted(fault, instances, correlated, "maintenance", "MAINTENANCE", InstanceUpdates: false, Recovered: false, correlatedAt)
                : null;
            // The notifications are stored as one compact record, expanded only after the append: the append is what the
            // first webhook waits for, and nothing else should delay it.
            if (outbox is null && events is [FaultRecorded only])
            {
                // Fences nothing and tells no one: recorded with the report's other such faults, in one event.
                batched.Add((i, incidentId, only));
                verdicts.Add(verdict.ToString().ToLowerInvariant());
                continue;
            }
            var toAppend = new List<EventToAppend>(events.Count + 1);
            foreach (var evt in events)
                toAppend.Add(types.Serialize(evt, Guid.CreateVersion7()));
            if (outbox is not null)
                toAppend.Add(types.Serialize(outbox, Guid.CreateVersion7()));
            appends.Add(new StreamAppend(FaultEventTypes.StreamId(incidentId), FaultEventTypes.StreamType, ExpectedVersion.NoStream, toAppend, metadata));
            opened.Add(new Opened(i, incidentId, FaultIncident.Fold(events), events.Count, outbox, host?.Name));
            verdicts.Add(verdict.ToString().ToLowerInvariant());
        }

        if (batched.Count > 0)
        {
            appends.Add(new StreamAppend(FaultEventTypes.ReportStreamId(metadata.CorrelationId!), FaultEventTypes.ReportStreamType, ExpectedVersion.NoStream,
                [types.Serialize(new FaultBatchRecorded([.. batched.Select(b => b.Fault)]), Guid.CreateVersion7())], metadata));
        }
        // After the incidents and the report (their results keep their indexes): all or nothing with them.
        var firstClaim = appends.Count;
        appends.AddRange(claims.Select(c => c.Append));
        if (appends.Count > 0)
        {
            // The one durable write of the fast path: incidents and their notifications commit together.
            IReadOnlyList<AppendResult> results;
            var appending = store.AppendManyAsync(appends, ct);
            // The first incident's notifications are expanded while the commit is on its way to the disk (the first
            // webhook waits for neither in turn); the others just before their own hand-over, so a 100-host failure
            // holds one host's notifications at a time, not 20,000 payloads the garbage collector must carry along.
            var firstExpanded = opened.Count > 0 ? opened[0].Outbox?.Expand() ?? [] : [];
            try
            {
                results = await appending;
                for (var k = 0; k < opened.Count; k++)
                    book.Put(opened[k].IncidentId, opened[k].State, results[k].StreamVersion);
                for (var c = 0; c < claims.Count; c++)
                    book.NoteClaim(claims[c].Host, results[firstClaim + c].StreamVersion);
                foreach (var (index, incidentId, fault) in batched)
                {
                    var state = FaultIncident.Evolve(IncidentState.Initial, fault);
                    book.Put(incidentId, state, 0);
                    outcomes[index] = new FaultOutcome(incidentId, FaultOutcome.VerdictName(state.Verdict), fault.Fault.Host, 0);
                }
                if (batched.Count > 0)
                    book.NoteOwnReport(FaultEventTypes.ReportStreamId(metadata.CorrelationId!));
            }
            finally
            {
                foreach (var (host, appended) in mine)
                {
                    _opening.TryRemove(host, out _);
                    appended.TrySetResult();
                }
            }
            var appendedAt = clock.GetUtcNow();
            // Every incident's outbox record is announced before the first is routed: the feed, woken by this commit,
            // would otherwise route the later incidents of a many-host failure a second time while they wait their turn.
            // The part's events took consecutive positions from FirstSeq (AppendedEvents): the outbox record follows the incident's own events.
            var outboxSeqs = opened.Select((o, k) => results[k].FirstSeq + o.IncidentEvents).ToList();
            using var reservation = shortcut.Reserve(Enumerable.Range(0, opened.Count).Where(k => opened[k].Outbox is not null).Select(k => outboxSeqs[k]));
            var notified = 0;
            var fencing = new List<(Opened Incident, Task<List<FaultCommand>> Actions, int Notified, DateTimeOffset HandedOverAt)>();
            for (var k = 0; k < opened.Count; k++)
            {
                // Notification first (DESIGN.md §8): an incident's webhooks are queued before its driver calls start, so
                // fencing never competes with routing them; its fencing then starts at once and runs beside the
                // deliveries, while the next incident is handed over.
                var o = opened[k];
                var notifications = k == 0 ? firstExpanded : o.Outbox?.Expand() ?? [];
                var seq = outboxSeqs[k];
                try
                {
                    await shortcut.DeliverNowAsync([.. notifications.Select(n => new AppendedNotification(n, seq))], CancellationToken.None);
                }
                catch (Exception e)
                {
                    // Durable already: the feed delivers what the fast lane could not hand over. Fencing must start anyway.
                    logger.LogError(e, "Incident {IncidentId}: handing {Count} notifications over failed; the feed delivers them", o.IncidentId, notifications.Count);
                }
                if (o.State.Verdict == FaultVerdict.Fence && o.Host is not null)
                    fencing.Add((o, Task.Run(() => FenceAsync(o, CancellationToken.None), CancellationToken.None), notifications.Count, clock.GetUtcNow()));
                notified += notifications.Count;
                outcomes[o.Index] = new FaultOutcome(o.IncidentId, FaultOutcome.VerdictName(o.State.Verdict), o.State.Fault!.Host, notifications.Count);
            }
            metrics.Notifications(notified);
            foreach (var verdict in verdicts)
                metrics.Incident(verdict);
            if (fencing.Count > 0)
                Track(RecordFencingAsync(fencing, appendedAt, metadata));
        }

        foreach (var (index, incidentId, appended, command) in repeats)
        {
            await appended;
            try
            {
                await ExecuteAsync(incidentId, [command], null, metadata, ct);
            }
            catch (Doctor.Domain.DomainRuleViolation e)
            {
                // The incident it joined was never written (its append failed): the repeat is logged, not lost silently.
                logger.LogWarning("Fault {FaultId} repeated incident {IncidentId}, which is not open: {Reason}", command.FaultId, incidentId, e.Message);
            }
            outcomes[index] = new FaultOutcome(incidentId, "repeat", reports[index].Hostname, 0);
        }
        foreach (var (index, host, cause) in recoveries)
        {
            var (incidentId, notified) = await RecoverAsync(host, cause, actor, ct);
            outcomes[index] = new FaultOutcome(incidentId, "recovered", host, notified);
        }
        return [.. outcomes.Select(o => o!)];
    }

    /// <summary>
    /// The host is back: force-down unset, ports UP, state normal again if it was down, the instances this node had put
    /// in ERROR back to ACTIVE; the open incident is resolved with an event and the owners are told the recovered state.
    /// </summary>
    public async Task<(string? IncidentId, int Notified)> RecoverAsync(string host, string cause, string actor, CancellationToken ct = default)
    {
        await book.CatchUpOpenAsync(ct);
        var metadata = new EventMetadata(Guid.NewGuid().ToString(), null, actor, null);
        var incidentId = book.OpenOn(host);
        var incident = incidentId is null ? null : book.Get(incidentId)?.State;
        var failures = new List<FaultCommand>();
        await Attempt("force-down unset", host, () => infrastructure.SetForcedDownAsync(host, false, ct), failures);
        await Attempt("ports up", host, () => infrastructure.SetPortsDataPlaneStatusAsync(host, "UP", ct), failures);
        if (map.Host(host) is { State: "down" })
            await Attempt("host state normal", host, () => infrastructure.SetHostStateAsync(host, "normal", ct), failures);
        if (incident is null || incidentId is null)
            return (null, 0);

        var instances = incident.Affects == FaultRule.AffectsHost ? incident.Instances : [];
        await Parallel.ForEachAsync(instances, new ParallelOptions { MaxDegreeOfParallelism = options.Value.ActionParallelism, CancellationToken = ct },
            async (instance, token) => await Attempt("reset-state ACTIVE", instance.InstanceId,
                () => infrastructure.ResetInstanceStateAsync(instance.InstanceId, "ACTIVE", token), failures));
        var outbox = new FaultNotificationsEmitted(incident.Fault!, incident.Instances, [], "active", "UP", InstanceUpdates: true, Recovered: true, clock.GetUtcNow());
        List<FaultCommand> commands = [.. failures, new ResolveIncident(cause, incident.Instances.Count, clock.GetUtcNow())];
        var recorded = await ExecuteAsync(incidentId, commands, outbox, metadata, ct);
        await shortcut.DeliverNowAsync(recorded, ct);
        return (incidentId, incident.Instances.Count);
    }

    private async Task<List<FaultCommand>> FenceAsync(Opened incident, CancellationToken ct)
    {
        var host = incident.Host!;
        var results = new ConcurrentBag<FaultCommand>();
        var failures = new List<FaultCommand>();
        var tasks = new List<Task>();
        if (incident.State.Affects == FaultRule.AffectsHost)
        {
            tasks.Add(Task.Run(async () =>
            {
                if (await Attempt("force-down", host, () => infrastructure.SetForcedDownAsync(host, true, ct), failures))
                    results.Add(new RecordHostMarked(host, clock.GetUtcNow()));
            }, CancellationToken.None));
            tasks.Add(Task.Run(async () =>
            {
                var failed = new ConcurrentBag<string>();
                await Parallel.ForEachAsync(incident.State.Instances,
                    new ParallelOptions { MaxDegreeOfParallelism = options.Value.ActionParallelism, CancellationToken = ct },
                    async (instance, token) =>
                    {
                        if (!await Attempt("reset-state ERROR", instance.InstanceId,
                                () => infrastructure.ResetInstanceStateAsync(instance.InstanceId, "ERROR", token), failures))
                            failed.Add(instance.InstanceId);
                    });
                results.Add(new RecordInstancesMarked(incident.State.Instances.Count - failed.Count, [.. failed.Order(StringComparer.Ordinal)], clock.GetUtcNow()));
            }, CancellationToken.None));
        }
        tasks.Add(Task.Run(async () =>
        {
            if (await Attempt("ports down", host, () => infrastructure.SetPortsDataPlaneStatusAsync(host, "DOWN", ct), failures))
                results.Add(new RecordPortsMarked(host, clock.GetUtcNow()));
        }, CancellationToken.None));
        await Task.WhenAll(tasks);
        lock (failures)
            return [.. results, .. failures];
    }

    private async Task RecordFencingAsync(
        List<(Opened Incident, Task<List<FaultCommand>> Actions, int Notified, DateTimeOffset HandedOverAt)> fencing, DateTimeOffset appendedAt, EventMetadata metadata)
    {
        foreach (var (incident, actions, notified, handedOverAt) in fencing)
        {
            try
            {
                var done = await actions;
                List<FaultCommand> commands = [new RecordHandover(notified, appendedAt, handedOverAt), .. done.OrderBy(c => c.At)];
                await ExecuteAsync(incident.IncidentId, commands, null, metadata, CancellationToken.None);
            }
            catch (Exception e)
            {
                logger.LogError(e, "Incident {IncidentId}: recording the fencing stages failed", incident.IncidentId);
            }
        }
    }

    private async Task<bool> Attempt(string action, string target, Func<Task> call, List<FaultCommand> failures)
    {
        try
        {
            await call();
            return true;
        }
        catch (Exception e) when (e is InfrastructureActionFailedException or HttpRequestException or TimeoutException)
        {
            logger.LogWarning(e, "Fault action {Action} on {Target} failed", action, target);
            lock (failures)
                failures.Add(new RecordActionFailure(action, target, e.Message, clock.GetUtcNow()));
            return false;
        }
    }

    /// <summary>Decides <paramref name="commands"/> in order on the incident's current state and appends the result with its notifications.</summary>
    private async Task<IReadOnlyList<RecordedEvent>> ExecuteAsync(string incidentId, IReadOnlyList<FaultCommand> commands,
        FaultNotificationsEmitted? outbox, EventMetadata metadata, CancellationToken ct)
    {
        // One writer per incident on this node: twenty monitors repeating one fault queue here instead of racing
        // the expected version; the retries below are for another node writing the same incident.
        var gate = _writers.GetOrAdd(incidentId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            return await DecideAndAppendAsync(incidentId, commands, outbox, metadata, ct);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<IReadOnlyList<RecordedEvent>> DecideAndAppendAsync(string incidentId, IReadOnlyList<FaultCommand> commands,
        FaultNotificationsEmitted? outbox, EventMetadata metadata, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (state, version) = book.Get(incidentId) ?? await book.ReloadAsync(incidentId, ct);
            var after = state;
            var toAppend = new List<EventToAppend>();
            foreach (var command in commands)
            {
                foreach (var evt in FaultIncident.Decide(command, after))
                {
                    after = FaultIncident.Evolve(after, evt);
                    toAppend.Add(types.Serialize(evt, Guid.CreateVersion7()));
                }
            }
            if (toAppend.Count == 0)
                return [];
            if (outbox is not null)
                toAppend.Add(types.Serialize(outbox, Guid.CreateVersion7()));
            try
            {
                var result = await store.AppendAsync(FaultEventTypes.StreamId(incidentId), FaultEventTypes.StreamType, ExpectedVersion.Exactly(version), toAppend, metadata, ct);
                book.Put(incidentId, after, result.StreamVersion);
                return AppendedEvents.From(result, toAppend, metadata, clock.GetUtcNow());
            }
            catch (WrongExpectedVersionException) when (attempt < MaxAttempts)
            {
                await book.ReloadAsync(incidentId, ct);
            }
        }
    }

    private static readonly TaskCompletionSource CompletedSource = Completed();

    private static TaskCompletionSource Completed()
    {
        var source = new TaskCompletionSource();
        source.SetResult();
        return source;
    }

    private (string IncidentId, Task Appended)? OpenOrOpening(string host) =>
        _opening.TryGetValue(host, out var opening) ? (opening.IncidentId, opening.Appended.Task)
        : book.OpenOn(host) is { } open ? (open, Task.CompletedTask)
        : null;

    private void Track(Task task)
    {
        _fencing.TryAdd(task, 0);
        _ = task.ContinueWith(t => _fencing.TryRemove(t, out _), TaskScheduler.Default);
    }

    private sealed record Opened(
        int Index, string IncidentId, IncidentState State, int IncidentEvents, FaultNotificationsEmitted? Outbox, string? Host);
}
