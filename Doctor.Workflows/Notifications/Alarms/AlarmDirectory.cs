using System.Collections.Immutable;

namespace Doctor.Workflows.Notifications.Alarms;

/// <summary>
/// Every alarm in memory, indexed by owner, so that matching a notification never touches the database. Loaded once,
/// then written through: each change goes to <see cref="AlarmRepository"/> first and to the cache after it commits.
/// Readers see an immutable snapshot, swapped whole on every change. One process only: a second node would not see
/// this node's changes until <see cref="RefreshAsync"/> reloads them, which the notifier does before each batch of
/// notifications and the engine before it asks projects (docs/scale-out.md).
/// </summary>
public sealed class AlarmDirectory(AlarmRepository repository)
{
    private readonly SemaphoreSlim _writer = new(1, 1);
    private volatile Snapshot? _snapshot;

    // Set by Holding: the directory never reads the repository, not even when asked to refresh.
    private bool _holding;

    /// <summary>
    /// A directory that holds <paramref name="alarms"/> and never loads what the repository holds: the start-up warm-up's,
    /// whose dry incident must meet its own alarms only, never a subscriber's. Its writes still go to the repository.
    /// </summary>
    internal static AlarmDirectory Holding(AlarmRepository repository, IReadOnlyList<EventAlarm> alarms) =>
        new(repository) { _snapshot = Snapshot.Of(alarms), _holding = true };

    /// <summary>Loads the alarms on first use; later calls return at once. Safe to call from every entry point.</summary>
    public async Task EnsureLoadedAsync(CancellationToken ct = default)
    {
        if (_snapshot is not null)
            return;
        await _writer.WaitAsync(ct);
        try
        {
            if (_snapshot is null)
                _snapshot = Snapshot.Of(await repository.ListAllAsync(ct));
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Reloads every alarm from the database (alarms created, changed or deleted by other nodes), in turn with local writes.</summary>
    public async Task RefreshAsync(CancellationToken ct = default)
    {
        if (_holding)
            return;
        await _writer.WaitAsync(ct);
        try
        {
            _snapshot = Snapshot.Of(await repository.ListAllAsync(ct));
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>All alarms, oldest first.</summary>
    public IReadOnlyList<EventAlarm> All => Current.All;

    public EventAlarm? Find(Guid id) => Current.ById.GetValueOrDefault(id);

    /// <summary>The alarms a notification for <paramref name="audienceProjectId"/> may concern (<see cref="AlarmEvaluator.Hears"/>): admin alarms, then that project's.</summary>
    public IEnumerable<EventAlarm> Hearing(string? audienceProjectId)
    {
        var snapshot = Current;
        foreach (var alarm in snapshot.Admin)
            yield return alarm;
        if (audienceProjectId is not null && snapshot.ByProject.TryGetValue(audienceProjectId, out var owned))
        {
            foreach (var alarm in owned)
                yield return alarm;
        }
    }

    /// <summary>
    /// The alarms a notification for <paramref name="audienceProjectId"/> about <paramref name="instanceId"/> may match:
    /// as <see cref="Hearing(string?)"/>, except that an alarm bound to one instance (<c>traits.instance_id eq X</c>, how
    /// Doctor consumers watch their VMs) is looked up by that instance instead of being evaluated for every notification
    /// of its project — with an alarm per VM, a host failure would otherwise cost instances × alarms evaluations.
    /// </summary>
    public IEnumerable<EventAlarm> Hearing(string? audienceProjectId, string? instanceId)
    {
        // The unbound alarms have their own index: a project with an alarm per VM is not scanned, alarm by alarm, for
        // every notification of its project (a host failure would cost its instances × the project's alarms).
        var snapshot = Current;
        foreach (var alarm in snapshot.AdminUnbound)
            yield return alarm;
        if (audienceProjectId is not null && snapshot.ByProjectUnbound.TryGetValue(audienceProjectId, out var owned))
        {
            foreach (var alarm in owned)
                yield return alarm;
        }
        if (instanceId is not null && snapshot.ByInstance.TryGetValue(instanceId, out var bound))
        {
            foreach (var alarm in bound)
                yield return alarm;
        }
    }

    /// <summary>The instance an alarm is bound to by a <c>traits.instance_id eq</c> string condition, or null.</summary>
    public static string? InstanceKey(EventAlarm alarm)
    {
        foreach (var condition in alarm.Query)
        {
            if (condition is { TraitName: "instance_id", Op: QueryOperator.Eq, ValueType: QueryValueType.String })
                return condition.Value;
        }
        return null;
    }

    public Task CreateAsync(EventAlarm alarm, CancellationToken ct = default) => CreateAsync(alarm, new AlarmAuthor(alarm.UserId, alarm.ProjectId), ct);

    public async Task CreateAsync(EventAlarm alarm, AlarmAuthor author, CancellationToken ct = default)
    {
        await EnsureLoadedAsync(ct);
        await _writer.WaitAsync(ct);
        try
        {
            await repository.CreateAsync(alarm, author, ct);
            _snapshot = Current.With(alarm);
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>
    /// Replaces an alarm's definition (and its state when <paramref name="statusChanged"/>), recording
    /// <paramref name="change"/>; the alarm then matches notifications by its new rule. Returns the alarm as stored —
    /// with the state the notifier may have moved meanwhile — or null when it was deleted meanwhile.
    /// </summary>
    public async Task<EventAlarm?> UpdateAsync(EventAlarm alarm, bool statusChanged, AlarmHistoryEntry? change, CancellationToken ct = default)
    {
        await EnsureLoadedAsync(ct);
        await _writer.WaitAsync(ct);
        try
        {
            if (!await repository.UpdateAsync(alarm, statusChanged, change, ct))
            {
                _snapshot = Current.Without(alarm.Id);
                return null;
            }
            var stored = statusChanged || Current.ById.GetValueOrDefault(alarm.Id) is not { } old ? alarm : alarm with { Status = old.Status };
            _snapshot = Current.With(stored);
            return stored;
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Sets an alarm's state by hand (<c>PUT /v2/alarms/{id}/state</c>), recording <paramref name="change"/>; null when the alarm was deleted meanwhile.</summary>
    public async Task<EventAlarm?> SetStatusAsync(Guid id, AlarmStatus status, AlarmHistoryEntry change, CancellationToken ct = default)
    {
        await EnsureLoadedAsync(ct);
        await _writer.WaitAsync(ct);
        try
        {
            if (!await repository.SetStatusAsync(id, status, change, ct) || Current.ById.GetValueOrDefault(id) is not { } alarm)
            {
                _snapshot = Current.Without(id);
                return null;
            }
            var stored = alarm with { Status = status };
            _snapshot = Current.With(stored);
            return stored;
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>False when there was no such alarm.</summary>
    public async Task<bool> DeleteAsync(Guid id, CancellationToken ct = default)
    {
        await EnsureLoadedAsync(ct);
        await _writer.WaitAsync(ct);
        try
        {
            var deleted = await repository.DeleteAsync(id, ct);
            _snapshot = Current.Without(id);
            return deleted;
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>
    /// Stores the moves in one statement (state and history) and returns the ids of the alarms that still exist; the
    /// others were deleted meanwhile and leave the directory.
    /// </summary>
    public async Task<IReadOnlySet<Guid>> RecordStatusesAsync(IReadOnlyDictionary<Guid, AlarmStatus> moves, CancellationToken ct = default)
    {
        await EnsureLoadedAsync(ct);
        await _writer.WaitAsync(ct);
        try
        {
            var stored = await repository.UpdateStatusesAsync(moves, ct);
            var snapshot = Current;
            foreach (var (id, status) in moves)
            {
                snapshot = !stored.Contains(id) ? snapshot.Without(id)
                    : snapshot.ById.TryGetValue(id, out var alarm) ? snapshot.With(alarm with { Status = status })
                    : snapshot;
            }
            _snapshot = snapshot;
            return stored;
        }
        finally
        {
            _writer.Release();
        }
    }

    private Snapshot Current => _snapshot ?? throw new InvalidOperationException("the alarm directory is not loaded yet: call EnsureLoadedAsync first");

    private sealed record Snapshot(
        ImmutableList<EventAlarm> All,
        ImmutableDictionary<Guid, EventAlarm> ById,
        ImmutableList<EventAlarm> Admin,
        ImmutableDictionary<string, ImmutableList<EventAlarm>> ByProject,
        ImmutableDictionary<string, ImmutableList<EventAlarm>> ByInstance,
        ImmutableList<EventAlarm> AdminUnbound,
        ImmutableDictionary<string, ImmutableList<EventAlarm>> ByProjectUnbound)
    {
        private static readonly ImmutableDictionary<string, ImmutableList<EventAlarm>> NoLists = ImmutableDictionary<string, ImmutableList<EventAlarm>>.Empty;

        public static Snapshot Of(IReadOnlyList<EventAlarm> alarms) =>
            alarms.Aggregate(
                new Snapshot([], ImmutableDictionary<Guid, EventAlarm>.Empty, [], NoLists, NoLists, [], NoLists),
                (snapshot, alarm) => snapshot.With(alarm));

        /// <summary>Adds the alarm, or replaces the one with its id in place (order kept).</summary>
        public Snapshot With(EventAlarm alarm)
        {
            if (ById.TryGetValue(alarm.Id, out var old))
            {
                return old.ProjectId == alarm.ProjectId && InstanceKey(old) == InstanceKey(alarm)
                    ? ReplaceInPlace(old, alarm)
                    : Without(old.Id).With(alarm);
            }
            var key = InstanceKey(alarm);
            return new Snapshot(
                All.Add(alarm),
                ById.SetItem(alarm.Id, alarm),
                alarm.ProjectId is null ? Admin.Add(alarm) : Admin,
                alarm.ProjectId is null ? ByProject : ByProject.SetItem(alarm.ProjectId, ByProject.GetValueOrDefault(alarm.ProjectId, []).Add(alarm)),
                key is null ? ByInstance : ByInstance.SetItem(key, ByInstance.GetValueOrDefault(key, []).Add(alarm)),
                key is null && alarm.ProjectId is null ? AdminUnbound.Add(alarm) : AdminUnbound,
                key is null && alarm.ProjectId is not null
                    ? ByProjectUnbound.SetItem(alarm.ProjectId, ByProjectUnbound.GetValueOrDefault(alarm.ProjectId, []).Add(alarm))
                    : ByProjectUnbound);
        }

        public Snapshot Without(Guid id)
        {
            if (!ById.TryGetValue(id, out var old))
                return this;
            var owned = old.ProjectId is null ? null : ByProject[old.ProjectId].Remove(old, ReferenceEqualityComparer.Instance);
            var key = InstanceKey(old);
            var bound = key is null ? null : ByInstance[key].Remove(old, ReferenceEqualityComparer.Instance);
            var ownedUnbound = key is null && old.ProjectId is not null ? ByProjectUnbound[old.ProjectId].Remove(old, ReferenceEqualityComparer.Instance) : null;
            return new Snapshot(
                All.Remove(old, ReferenceEqualityComparer.Instance),
                ById.Remove(id),
                old.ProjectId is null ? Admin.Remove(old, ReferenceEqualityComparer.Instance) : Admin,
                old.ProjectId is null ? ByProject : owned!.IsEmpty ? ByProject.Remove(old.ProjectId) : ByProject.SetItem(old.ProjectId, owned),
                key is null ? ByInstance : bound!.IsEmpty ? ByInstance.Remove(key) : ByInstance.SetItem(key, bound),
                key is null && old.ProjectId is null ? AdminUnbound.Remove(old, ReferenceEqualityComparer.Instance) : AdminUnbound,
                ownedUnbound is null ? ByProjectUnbound
                    : ownedUnbound.IsEmpty ? ByProjectUnbound.Remove(old.ProjectId!) : ByProjectUnbound.SetItem(old.ProjectId!, ownedUnbound));
        }

        private Snapshot ReplaceInPlace(EventAlarm old, EventAlarm alarm)
        {
            var key = InstanceKey(old);
            return new(
                All.Replace(old, alarm, ReferenceEqualityComparer.Instance),
                ById.SetItem(alarm.Id, alarm),
                old.ProjectId is null ? Admin.Replace(old, alarm, ReferenceEqualityComparer.Instance) : Admin,
                old.ProjectId is null ? ByProject : ByProject.SetItem(old.ProjectId, ByProject[old.ProjectId].Replace(old, alarm, ReferenceEqualityComparer.Instance)),
                key is null ? ByInstance : ByInstance.SetItem(key, ByInstance[key].Replace(old, alarm, ReferenceEqualityComparer.Instance)),
                key is null && old.ProjectId is null ? AdminUnbound.Replace(old, alarm, ReferenceEqualityComparer.Instance) : AdminUnbound,
                key is null && old.ProjectId is not null
                    ? ByProjectUnbound.SetItem(old.ProjectId, ByProjectUnbound[old.ProjectId].Replace(old, alarm, ReferenceEqualityComparer.Instance))
                    : ByProjectUnbound);
        }
    }
}
