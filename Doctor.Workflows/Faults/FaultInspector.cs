using System.Collections.Concurrent;
using Doctor.Domain.Faults;
using Doctor.Domain.Hosts;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Hosts;
using Doctor.Workflows.Notifications;
using Microsoft.Extensions.Logging;

namespace Doctor.Workflows.Faults;

/// <summary>
/// The inspector's fast path (DESIGN.md §8): the policy's verdict (<see cref="FailurePolicyVerdict"/>) on the host's
/// state (<see cref="PhysicalResourceBook"/>) → correlation with the cached resource map → ONE append holding every
/// incident's events, its outbox notifications and its host's <see cref="HostDeclaredDown"/> → the notifications handed
/// to the fast lane, and, incident by incident right after, the fencing started (<see cref="HostFencing"/>). A slow
/// driver call delays no notification: the caller gets its answer once the notifications are handed over.
/// </summary>
public sealed class FaultInspector(
    ResourceMap map,
    IncidentBook book,
    PhysicalResourceBook hosts,
    FailurePolicySource policies,
    FailureWindow window,
    IEventStore store,
    EventTypeRegistry types,
    INotificationShortcut shortcut,
    IncidentRecorder recorder,
    HostFencing fencing,
    HostRecovery recovery,
    HostReconciliation reconciliation,
    FaultMetrics metrics,
    TimeProvider clock,
    ILogger<FaultInspector> logger)
{
    public const string HostDown = "compute.host.down";
    public const string HostUp = "compute.host.up";
    private const int MaxAttempts = 5;

    // Hosts whose fencing incident is being appended right now: a concurrent report about the same host joins it
    // as a repeat instead of opening a second incident.
    private readonly ConcurrentDictionary<string, (string IncidentId, TaskCompletionSource Appended)> _opening = new(StringComparer.Ordinal);

    /// <summary>Completes when every fencing started so far has finished and recorded its stages (tests, benchmarks).</summary>
    public Task WhenFencedAsync() => fencing.WhenFencedAsync();

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
        await ReconcileFencedHostsAsync(reports, ct);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ReportOnceAsync(reports, receivedAt, actor, explicitCommand, ct);
            }
            catch (WrongExpectedVersionException e) when (attempt < MaxAttempts && e.StreamId.StartsWith(HostEventTypes.StreamPrefix, StringComparison.Ordinal))
            {
                // Another writer moved one of these hosts in the same moment (another node's incident, a session, a
                // reconciliation). Nothing of this report was written: decided again on the host as it now is.
                logger.LogInformation("Fault report: {Stream} changed meanwhile (attempt {Attempt}); deciding the report again", e.StreamId, attempt);
                await hosts.ReloadAsync(e.StreamId[HostEventTypes.StreamPrefix.Length..], ct);
                await book.CatchUpOpenAsync(ct);
            }
        }
    }

    /// <summary>
    /// A repeat is only a report while the host is still fenced: before a report about a host that an incident fences is
    /// taken for one, the cloud is asked whether the host came back behind our back (<see cref="HostReconciliation"/>).
    /// </summary>
    private async Task ReconcileFencedHostsAsync(IReadOnlyList<FaultReport> reports, CancellationToken ct)
    {
        HashSet<string>? fenced = null;
        foreach (var report in reports)
        {
            // The book alone, not the map (which copies the host's instances): a bulk report of 10,000 pays a lookup each.
            if (report.Hostname is { } name && hosts.Get(name).State is { OpenIncidentId: not null, FencedAt: not null })
                (fenced ??= new HashSet<string>(StringComparer.Ordinal)).Add(name);
        }
        if (fenced is not null)
            await reconciliation.ReconcileNowAsync(fenced, ct);
    }

    private async Task<IReadOnlyList<FaultOutcome>> ReportOnceAsync(IReadOnlyList<FaultReport> reports, DateTimeOffset receivedAt, string actor,
        bool explicitCommand, CancellationToken ct)
    {
        var report = new ReportPlan(reports.Count, new EventMetadata(Guid.NewGuid().ToString(), null, actor, null));
        try
        {
            var ids = BulkGuids.Take(reports.Count * 2);
            for (var i = 0; i < reports.Count; i++)
                Decide(report, i, reports[i], ids[2 * i].ToString(), ids[2 * i + 1].ToString(), receivedAt, explicitCommand);
            if (report.Appends.Count > 0 || report.Batched.Count > 0 || report.HostAppends.Count > 0)
                await AppendAndHandOverAsync(report, ct);
        }
        finally
        {
            foreach (var (host, appended) in report.Mine)
            {
                _opening.TryRemove(host, out _);
                appended.TrySetResult();
            }
        }
        await JoinRepeatsAsync(report, reports, ct);
        foreach (var (index, host, cause) in report.Recoveries)
        {
            var (incidentId, notified) = await recovery.RecoverAsync(host, PhysicalResource.ResolvedBy.HostUp, cause, actor, ct);
            report.Outcomes[index] = new FaultOutcome(incidentId, "recovered", host, notified);
        }
        return [.. report.Outcomes.Select(o => o!)];
    }

    /// <summary>The verdict on one event and what it appends: an incident (with its host's declaration), a line of the report, a repeat or a recovery.</summary>
    private void Decide(ReportPlan report, int index, FaultReport fault, string faultId, string incidentId, DateTimeOffset receivedAt, bool explicitCommand)
    {
        var policy = policies.Current;
        var rule = policy.RuleFor(fault.Type, fault.DetailStrings());
        var mapped = fault.Hostname is null ? null : map.Host(fault.Hostname);
        var repeat = new RecordRepeat(faultId, fault.Type, fault.Time, receivedAt);
        if (mapped is not null && rule.Action is FaultAction.Fence or FaultAction.Aggregate && _opening.TryGetValue(mapped.Name, out var opening))
        {
            report.Repeats.Add((index, opening.IncidentId, opening.Appended.Task, repeat));
            return;
        }
        var assessment = new FaultAssessment(fault.Type, rule.Action, rule.Affects, mapped?.Name ?? fault.Hostname, mapped is not null,
            mapped is null ? PhysicalResourceState.Initial : hosts.Get(mapped.Name).State, mapped?.InMaintenance == true, explicitCommand, policy.NotifyInMaintenance);
        PolicyOutcome.Decided decided;
        var outcome = FailurePolicyVerdict.Decide(assessment);
        switch (outcome)
        {
            case PolicyOutcome.Recover:
                report.Recoveries.Add((index, fault.Hostname ?? "", fault.Type));
                return;
            case PolicyOutcome.Repeat r:
                report.Repeats.Add((index, r.IncidentId, Task.CompletedTask, repeat));
                return;
            case PolicyOutcome.Aggregate:
                var earlier = window.Count(mapped!.Name, faultId, receivedAt, policy.AggregationFailures, policy.AggregationWindow);
                decided = FailurePolicyVerdict.Aggregated(assessment, earlier, policy.AggregationFailures, policy.AggregationWindow);
                break;
            default:
                decided = (PolicyOutcome.Decided)outcome;
                break;
        }
        var decidedAt = clock.GetUtcNow();
        if (decided.Verdict == FaultVerdict.Fence && !DeclareDown(report, index, mapped!.Name, incidentId, decided, decidedAt, repeat))
            return;
        Open(report, index, fault, faultId, incidentId, mapped, rule, decided, receivedAt, decidedAt);
    }

    /// <summary>
    /// Declares the host down for the new incident at the host stream's version this node saw with no incident open on it:
    /// another node (or report) doing the same in the same moment makes one of the two appends fail. False: a repeat instead.
    /// </summary>
    private bool DeclareDown(ReportPlan report, int index, string host, string incidentId, PolicyOutcome.Decided decided, DateTimeOffset at, RecordRepeat repeat)
    {
        var appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_opening.TryAdd(host, (incidentId, appended)))
        {
            var other = _opening.TryGetValue(host, out var o) ? (IncidentId: o.IncidentId, Task: o.Appended.Task) : (IncidentId: hosts.Get(host).State.OpenIncidentId ?? "", Task: Task.CompletedTask);
            report.Repeats.Add((index, other.IncidentId, other.Task, repeat));
            return false;
        }
        var (state, version) = hosts.Get(host);
        if (state.OpenIncidentId is { } justOpened)
        {
            // The other report finished between our look and our claim.
            _opening.TryRemove(host, out _);
            report.Repeats.Add((index, justOpened, Task.CompletedTask, repeat));
            return false;
        }
        report.Mine.Add((host, appended));
        var events = PhysicalResource.Decide(new DeclareHostDown(host, incidentId, decided.Affects, decided.Reason, at), state);
        report.HostAppends.Add((host, events.Aggregate(state, PhysicalResource.Evolve), new StreamAppend(HostEventTypes.StreamId(host), HostEventTypes.StreamType,
            ExpectedVersion.Exactly(version), [.. events.Select(e => types.Serialize(e, Guid.CreateVersion7()))], report.Metadata)));
        return true;
    }

    private void Open(ReportPlan report, int index, FaultReport fault, string faultId, string incidentId, MappedHost? mapped, FaultRule rule,
        PolicyOutcome.Decided decided, DateTimeOffset receivedAt, DateTimeOffset decidedAt)
    {
        var verdict = decided.Verdict;
        var instances = mapped is not null && (verdict == FaultVerdict.Fence || decided.Notify) ? mapped.Instances : [];
        var correlatedAt = clock.GetUtcNow();
        var severity = ReferenceEquals(rule, policies.Current.Default) ? fault.Severity ?? rule.Severity : rule.Severity;
        var received = new FaultReceived(incidentId, faultId, fault.Type, mapped?.Name ?? fault.Hostname, severity,
            fault.Time, fault.Cause, fault.Source, fault.Details.ToJsonString(), receivedAt);
        var events = FaultIncident.Decide(
            new OpenIncident(received, verdict, decided.Affects, decided.Reason, decided.CorrelatedFaultIds, decidedAt, instances, correlatedAt), IncidentState.Initial);
        // The notifications are stored as one compact record, expanded only after the append: the append is what the
        // first webhook waits for, and nothing else should delay it.
        FaultNotificationsEmitted? outbox = verdict == FaultVerdict.Fence
            ? new FaultNotificationsEmitted(received, instances, decided.CorrelatedFaultIds, "error", decided.Affects == FaultTargets.Host ? "DOWN" : "UP",
                InstanceUpdates: decided.Affects == FaultTargets.Host, Recovered: false, correlatedAt)
            : decided.Notify ? new FaultNotificationsEmitted(received, instances, decided.CorrelatedFaultIds, "maintenance", "MAINTENANCE", InstanceUpdates: false,
                Recovered: false, correlatedAt)
            : null;
        report.Verdicts.Add(FaultOutcome.VerdictName(verdict));
        if (outbox is null && events is [FaultRecorded only])
        {
            // Fences nothing and tells no one: recorded with the report's other such faults, in one event.
            report.Batched.Add((index, incidentId, only));
            return;
        }
        var toAppend = new List<EventToAppend>(events.Count + 1);
        foreach (var evt in events)
            toAppend.Add(types.Serialize(evt, Guid.CreateVersion7()));
        if (outbox is not null)
            toAppend.Add(types.Serialize(outbox, Guid.CreateVersion7()));
        report.Appends.Add(new StreamAppend(FaultEventTypes.StreamId(incidentId), FaultEventTypes.StreamType, ExpectedVersion.NoStream, toAppend, report.Metadata));
        report.Opened.Add(new OpenedIncident(index, incidentId, FaultIncident.Fold(events), events.Count, outbox, mapped?.Name));
    }

    /// <summary>The one durable write of the fast path, then every incident's notifications handed over and its fencing started.</summary>
    private async Task AppendAndHandOverAsync(ReportPlan report, CancellationToken ct)
    {
        var opened = report.Opened;
        var appends = report.Appends;
        if (report.Batched.Count > 0)
        {
            appends.Add(new StreamAppend(FaultEventTypes.ReportStreamId(report.Metadata.CorrelationId), FaultEventTypes.ReportStreamType, ExpectedVersion.NoStream,
                [types.Serialize(new FaultBatchRecorded([.. report.Batched.Select(b => b.Fault)]), Guid.CreateVersion7())], report.Metadata));
        }
        // After the incidents and the report (their results keep their indexes): all or nothing with them.
        var firstHost = appends.Count;
        appends.AddRange(report.HostAppends.Select(h => h.Append));
        var appending = store.AppendManyAsync(appends, ct);
        // The first incident's notifications are expanded while the commit is on its way to the disk (the first
        // webhook waits for neither in turn); the others just before their own hand-over, so a 100-host failure
        // holds one host's notifications at a time, not 20,000 payloads the garbage collector must carry along.
        var firstExpanded = opened.Count > 0 ? opened[0].Outbox?.Expand() ?? [] : [];
        var results = await appending;
        Remember(report, results, firstHost);
        var appendedAt = clock.GetUtcNow();
        // Every incident's outbox record is announced before the first is routed: the feed, woken by this commit,
        // would otherwise route the later incidents of a many-host failure a second time while they wait their turn.
        // The part's events took consecutive positions from FirstSeq (AppendedEvents): the outbox record follows the incident's own events.
        var outboxSeqs = opened.Select((o, k) => results[k].FirstSeq + o.IncidentEvents).ToList();
        using var reservation = shortcut.Reserve(Enumerable.Range(0, opened.Count).Where(k => opened[k].Outbox is not null).Select(k => outboxSeqs[k]));
        var notified = 0;
        var started = new List<(FencingOrder Order, Task<List<FaultCommand>> Done)>();
        for (var k = 0; k < opened.Count; k++)
        {
            // Notification first (DESIGN.md §8): an incident's webhooks are queued before its driver calls start, so
            // fencing never competes with routing them; its fencing then starts at once and runs beside the
            // deliveries, while the next incident is handed over.
            var o = opened[k];
            var notifications = k == 0 ? firstExpanded : o.Outbox?.Expand() ?? [];
            await HandOverAsync(o.IncidentId, notifications, outboxSeqs[k]);
            if (o.State.Verdict == FaultVerdict.Fence && o.Host is not null)
            {
                var order = new FencingOrder(o.IncidentId, o.Host, o.State, notifications.Count, appendedAt, clock.GetUtcNow());
                started.Add((order, fencing.Start(order)));
            }
            notified += notifications.Count;
            report.Outcomes[o.Index] = new FaultOutcome(o.IncidentId, FaultOutcome.VerdictName(o.State.Verdict), o.State.Fault!.Host, notifications.Count);
        }
        metrics.Notifications(notified);
        foreach (var verdict in report.Verdicts)
            metrics.Incident(verdict);
        if (started.Count > 0)
            fencing.RecordWhenDone(started, report.Metadata);
    }

    /// <summary>What the append made durable goes into the books before anyone is told.</summary>
    private void Remember(ReportPlan report, IReadOnlyList<AppendResult> results, int firstHost)
    {
        for (var k = 0; k < report.Opened.Count; k++)
            book.Put(report.Opened[k].IncidentId, report.Opened[k].State, results[k].StreamVersion);
        for (var h = 0; h < report.HostAppends.Count; h++)
            hosts.Put(report.HostAppends[h].Host, report.HostAppends[h].After, results[firstHost + h].StreamVersion);
        foreach (var (index, incidentId, fault) in report.Batched)
        {
            var state = FaultIncident.Evolve(IncidentState.Initial, fault);
            book.Put(incidentId, state, 0);
            report.Outcomes[index] = new FaultOutcome(incidentId, FaultOutcome.VerdictName(state.Verdict), fault.Fault.Host, 0);
        }
        if (report.Batched.Count > 0)
            book.NoteOwnReport(FaultEventTypes.ReportStreamId(report.Metadata.CorrelationId));
    }

    private async Task HandOverAsync(string incidentId, IReadOnlyList<NotificationEmitted> notifications, long seq)
    {
        try
        {
            await shortcut.DeliverNowAsync([.. notifications.Select(n => new AppendedNotification(n, seq))], CancellationToken.None);
        }
        catch (Exception e)
        {
            // Durable already: the feed delivers what the fast lane could not hand over. Fencing must start anyway.
            logger.LogError(e, "Incident {IncidentId}: handing {Count} notifications over failed; the feed delivers them", incidentId, notifications.Count);
        }
    }

    private async Task JoinRepeatsAsync(ReportPlan report, IReadOnlyList<FaultReport> reports, CancellationToken ct)
    {
        foreach (var (index, incidentId, appended, command) in report.Repeats)
        {
            await appended;
            try
            {
                await recorder.ExecuteAsync(incidentId, [command], null, report.Metadata, ct);
            }
            catch (Doctor.Domain.DomainRuleViolation e)
            {
                // The incident it joined was never written (its append failed): the repeat is logged, not lost silently.
                logger.LogWarning("Fault {FaultId} repeated incident {IncidentId}, which is not open: {Reason}", command.FaultId, incidentId, e.Message);
            }
            report.Outcomes[index] = new FaultOutcome(incidentId, "repeat", reports[index].Hostname, 0);
        }
    }

    /// <summary>Everything one monitor report decides, gathered before its one append.</summary>
    private sealed class ReportPlan(int count, EventMetadata metadata)
    {
        public EventMetadata Metadata { get; } = metadata;
        public FaultOutcome?[] Outcomes { get; } = new FaultOutcome?[count];
        public List<OpenedIncident> Opened { get; } = [];
        public List<StreamAppend> Appends { get; } = [];
        public List<(string Host, PhysicalResourceState After, StreamAppend Append)> HostAppends { get; } = [];
        public List<(int Index, string IncidentId, Task Appended, RecordRepeat Command)> Repeats { get; } = [];
        public List<(int Index, string Host, string Cause)> Recoveries { get; } = [];
        public List<(string Host, TaskCompletionSource Appended)> Mine { get; } = [];
        public List<(int Index, string IncidentId, FaultRecorded Fault)> Batched { get; } = [];
        public List<string> Verdicts { get; } = [];
    }

    private sealed record OpenedIncident(int Index, string IncidentId, IncidentState State, int IncidentEvents, FaultNotificationsEmitted? Outbox, string? Host);
}
