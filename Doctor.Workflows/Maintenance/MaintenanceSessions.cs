using System.Collections.Concurrent;
using Doctor.Domain;
using Doctor.Domain.Maintenance;
using Doctor.Workflows.EventStore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Doctor.Workflows.Maintenance;

/// <summary>
/// Loads sessions from their streams and runs commands through the decider: read, decide, append with the expected
/// version (plus the notifications the new events cause, in the same transaction), re-decide on a concurrency conflict.
/// Folded states are cached per session and brought up to date from the stream's tail, so a step never replays the whole stream.
/// A change that moves the session's <see cref="SessionSummary"/> writes its <see cref="SessionList"/> row in the
/// transaction of the events; the others — most steps — go through the store's shared commits.
/// </summary>
public sealed class MaintenanceSessions(
    PostgresEventStore store,
    EventTypeRegistry types,
    NpgsqlDataSource dataSource,
    TimeProvider clock,
    PublicBaseUrl baseUrl,
    ILogger<MaintenanceSessions> logger)
{
    private const int MaxAttempts = 20;
    private readonly ConcurrentDictionary<string, (SessionState State, long Version)> _cache = new(StringComparer.Ordinal);

    public DateTimeOffset Now => clock.GetUtcNow();

    public async Task<(SessionState State, long Version)> LoadAsync(string sessionId, CancellationToken ct = default)
    {
        var (state, version) = _cache.TryGetValue(sessionId, out var cached) ? cached : (SessionState.Initial, 0L);
        var tail = await store.ReadStreamAsync(MaintenanceEventTypes.StreamId(sessionId), version + 1, int.MaxValue, ct);
        foreach (var recorded in tail)
        {
            if (types.Deserialize(recorded) is IMaintenanceEvent evt)
                state = MaintenanceSession.Evolve(state, evt);
            version = recorded.Version;
        }
        if (version > 0)
            _cache.AddOrUpdate(sessionId, (state, version), (_, old) => old.Version >= version ? old : (state, version));
        return (state, version);
    }

    /// <summary>The session's events as stored, oldest first, with their metadata (for history and audit).</summary>
    public Task<IReadOnlyList<RecordedEvent>> ReadEventsAsync(string sessionId, CancellationToken ct = default) =>
        store.ReadStreamAsync(MaintenanceEventTypes.StreamId(sessionId), 1, int.MaxValue, ct);

    /// <summary>
    /// Decides <paramref name="command"/> (built from the fresh state and the current time) and appends what it decides.
    /// Domain refusals (<see cref="DomainRuleViolation"/>) propagate untouched and write nothing.
    /// </summary>
    public Task<SessionChange> ExecuteAsync(
        string sessionId,
        Func<SessionState, DateTimeOffset, MaintenanceCommand> command,
        EventMetadata metadata,
        CancellationToken ct = default) =>
        ExecuteAllAsync(sessionId, (state, now) => [command(state, now)], metadata, ct);

    /// <summary>
    /// Decides <paramref name="commands"/> in order, each on the state the previous ones leave, and appends everything
    /// they decide in one append (one durable commit instead of one per command). All or nothing: a refusal of any
    /// command writes nothing.
    /// </summary>
    public async Task<SessionChange> ExecuteAllAsync(
        string sessionId,
        Func<SessionState, DateTimeOffset, IReadOnlyList<MaintenanceCommand>> commands,
        EventMetadata metadata,
        CancellationToken ct = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (state, version) = await LoadAsync(sessionId, ct);
            var cmds = commands(state, Now);
            var events = new List<IMaintenanceEvent>();
            var decidedOn = state;
            foreach (var cmd in cmds)
            {
                foreach (var evt in MaintenanceSession.Decide(cmd, decidedOn))
                {
                    decidedOn = MaintenanceSession.Evolve(decidedOn, evt);
                    events.Add(evt);
                }
            }
            if (events.Count == 0)
                return new SessionChange(state, [], version);

            var after = state;
            var toAppend = new List<EventToAppend>(events.Count * 2);
            var links = await baseUrl.WhenKnownAsync(ct);
            foreach (var evt in events)
            {
                after = MaintenanceSession.Evolve(after, evt);
                var serialized = types.Serialize(evt);
                var withId = serialized with { Id = serialized.Id ?? Guid.NewGuid() };
                toAppend.Add(withId);
                foreach (var notification in MaintenanceNotifications.For(after, evt, links, withId.Id!.Value))
                    toAppend.Add(types.Serialize(notification));
            }
            try
            {
                var expected = version == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exactly(version);
                var summary = SessionSummary.Of(after);
                var result = version > 0 && summary == SessionSummary.Of(state)
                    ? await store.AppendAsync(MaintenanceEventTypes.StreamId(sessionId), MaintenanceEventTypes.StreamType, expected, toAppend, metadata, ct)
                    : await AppendWithSummaryAsync(sessionId, expected, toAppend, metadata, summary, version + toAppend.Count, ct);
                if (result.Duplicate)
                {
                    _cache.TryRemove(sessionId, out _);
                    var (fresh, freshVersion) = await LoadAsync(sessionId, ct);
                    return new SessionChange(fresh, [], freshVersion);
                }
                // Notifications are folded as no-ops, so the cache can jump straight to the appended version.
                _cache[sessionId] = (after, result.StreamVersion);
                return new SessionChange(after, events, result.StreamVersion);
            }
            catch (WrongExpectedVersionException) when (attempt < MaxAttempts)
            {
                logger.LogDebug("Session {SessionId}: concurrent change, re-deciding {Commands} (attempt {Attempt})",
                    sessionId, string.Join(", ", cmds.Select(c => c.GetType().Name)), attempt);
            }
        }
    }

    /// <summary>
    /// The append and the session's list row in one transaction. The row is written first: its lock orders writers of
    /// one session, and the global append lock is then held for the append and the commit only, as for any append.
    /// </summary>
    private async Task<AppendResult> AppendWithSummaryAsync(
        string sessionId, ExpectedVersion expected, IReadOnlyList<EventToAppend> events, EventMetadata metadata, SessionSummary summary, long newVersion, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await SessionList.WriteAsync(connection, summary, newVersion, Now, ct);
        var result = (await store.AppendManyAsync(connection,
            [new StreamAppend(MaintenanceEventTypes.StreamId(sessionId), MaintenanceEventTypes.StreamType, expected, events, metadata)], ct))[0];
        // A command appended before wrote its own row; this one's row must not outlive the nothing it appended.
        if (result.Duplicate)
            await transaction.RollbackAsync(ct);
        else
            await transaction.CommitAsync(ct);
        return result;
    }

    /// <summary>Every session with its stream version, oldest first: lets a caller skip the ones it has seen at that version.</summary>
    public async Task<IReadOnlyList<(string SessionId, long Version)>> ListSessionVersionsAsync(CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand("SELECT id, version FROM doctor.streams WHERE type = $1 ORDER BY created_at, id");
        cmd.Parameters.AddWithValue(MaintenanceEventTypes.StreamType);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var sessions = new List<(string, long)>();
        const string prefix = "maintenance-";
        while (await reader.ReadAsync(ct))
            sessions.Add((reader.GetString(0)[prefix.Length..], reader.GetInt64(1)));
        return sessions;
    }

    /// <summary>Ids of every session stream, oldest first (deleted ones included; callers filter by state).</summary>
    public async Task<IReadOnlyList<string>> ListSessionIdsAsync(CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand("SELECT id FROM doctor.streams WHERE type = $1 ORDER BY created_at, id");
        cmd.Parameters.AddWithValue(MaintenanceEventTypes.StreamType);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var ids = new List<string>();
        const string prefix = "maintenance-";
        while (await reader.ReadAsync(ct))
            ids.Add(reader.GetString(0)[prefix.Length..]);
        return ids;
    }
}
