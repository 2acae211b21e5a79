using System.Collections.Concurrent;
using Npgsql;

namespace Doctor.Workflows.EventStore;

/// <summary>
/// Group commit for appends. Appends are serialised by the global append lock, so each costs a commit (a WAL
/// flush) on its own; callers that arrive while one commit is in flight are instead sent together in the next
/// statement — one transaction, one flush — each keeping its own all-or-nothing outcome. No background thread:
/// the caller that finds the queue idle drains it.
/// </summary>
/// <param name="rehearsal">The start-up warm-up's queue (<see cref="PostgresEventStore.RollingBack"/>): every statement is rolled back.</param>
internal sealed class AppendQueue(NpgsqlDataSource dataSource, AppendRehearsal? rehearsal = null)
{
    // Bounds on one shared transaction, so the lock is never held long and one group cannot starve the feed.
    private const int MaxEventsPerGroup = 1_000;
    private const int MaxUnitsPerGroup = 256;

    private readonly ConcurrentQueue<Pending> _pending = new();
    private int _draining;

    /// <summary>
    /// Appends one unit. Cancelling stops the wait, not the append: a unit already handed to the server may still
    /// commit, as with any command cancelled in flight.
    /// </summary>
    public Task<IReadOnlyList<AppendResult>> AppendAsync(IReadOnlyList<StreamAppend> unit, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var pending = new Pending(unit);
        _pending.Enqueue(pending);
        if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
        {
            _ = DrainAsync();
        }
        return pending.Completion.Task.WaitAsync(ct);
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            try
            {
                for (var group = TakeGroup(); group.Count > 0; group = TakeGroup())
                {
                    await CommitAsync(group);
                }
            }
            finally
            {
                Volatile.Write(ref _draining, 0);
            }
            // An append queued between the last TakeGroup and the flag going down found the flag up: drain it too.
            if (_pending.IsEmpty || Interlocked.CompareExchange(ref _draining, 1, 0) != 0)
            {
                return;
            }
        }
    }

    /// <summary>The oldest pending units, in order, up to the bounds and the first that touches a stream already in the group.</summary>
    private List<Pending> TakeGroup()
    {
        var group = new List<Pending>();
        var streams = new HashSet<string>(StringComparer.Ordinal);
        var events = 0;
        while (_pending.TryPeek(out var next))
        {
            if (group.Count > 0 && (group.Count == MaxUnitsPerGroup || events + next.EventCount > MaxEventsPerGroup))
            {
                break;
            }
            // The function checks each part against the table, not against earlier parts: one stream, one part per call.
            if (next.Unit.Any(a => streams.Contains(a.StreamId)))
            {
                break;
            }
            _pending.TryDequeue(out _);
            foreach (var append in next.Unit)
            {
                streams.Add(append.StreamId);
            }
            events += next.EventCount;
            group.Add(next);
        }
        return group;
    }

    private async Task CommitAsync(List<Pending> group)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            var units = group.ConvertAll(p => p.Unit);
            var outcomes = rehearsal is null
                ? await AppendStatement.ExecuteAsync(connection, units, CancellationToken.None)
                : await rehearsal.RunAsync(connection, units, CancellationToken.None);
            for (var i = 0; i < group.Count; i++)
            {
                group[i].Complete(outcomes[i]);
            }
        }
        catch (PostgresException) when (group.Count > 1)
        {
            // The server refused the statement and rolled all of it back (say, one caller's malformed JSON):
            // give every caller its own answer.
            foreach (var pending in group)
            {
                await CommitAsync([pending]);
            }
        }
        catch (Exception ex)
        {
            // Outcome unknown (connection lost) or a single unit's own error: never retried here.
            group.ForEach(p => p.Completion.TrySetException(ex));
        }
    }

    private sealed class Pending(IReadOnlyList<StreamAppend> unit)
    {
        public IReadOnlyList<StreamAppend> Unit { get; } = unit;
        public int EventCount { get; } = unit.Sum(a => a.Events.Count);
        public TaskCompletionSource<IReadOnlyList<AppendResult>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Complete(UnitOutcome outcome)
        {
            if (outcome.Error is { } error)
            {
                Completion.TrySetException(error);
            }
            else
            {
                Completion.TrySetResult(outcome.Results!);
            }
        }
    }
}
