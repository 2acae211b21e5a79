using Doctor.Workflows.EventStore;
using Npgsql;

namespace Doctor.Tests.EventStore;

/// <summary>
/// Appends that arrive while another commits are sent together. The tests hold the global append lock so that one
/// append is in flight while the others queue up behind it; then every outcome is checked per caller.
/// </summary>
public sealed class AppendGroupCommitTests(EventStoreDatabase db) : IClassFixture<EventStoreDatabase>
{
    private readonly PostgresEventStore _store = db.Store;

    private static string NewStream() => "group-" + Guid.NewGuid().ToString("N");

    private static EventToAppend[] Events(int count) =>
        Enumerable.Range(1, count).Select(n => new EventToAppend("test.counted.v1", $$"""{"n": {{n}}}""")).ToArray();

    private Task<AppendResult> Append(string stream, ExpectedVersion expected, EventToAppend[]? events = null) =>
        _store.AppendAsync(stream, "test", expected, events ?? Events(2), EventMetadata.Engine("c"));

    private async Task<long> DistinctTransactionsAsync(IEnumerable<string> streams) =>
        await db.ScalarAsync("SELECT count(DISTINCT tx) FROM doctor.events WHERE stream_id = ANY($1)", (object)streams.ToArray());

    /// <summary>Starts one append that blocks on the held lock, so that what follows queues behind it.</summary>
    private async Task<(IAsyncDisposable Lock, Task<AppendResult> InFlight)> BlockTheQueueAsync()
    {
        var held = await db.HoldAppendLockAsync();
        var inFlight = Append(NewStream(), ExpectedVersion.NoStream);
        await db.WaitForBlockedAppendAsync();
        return (held, inFlight);
    }

    [Fact]
    public async Task Append_FromCallersQueuedBehindACommit_CommitsThemTogetherInOneTransaction()
    {
        var (held, inFlight) = await BlockTheQueueAsync();
        var streams = Enumerable.Range(0, 10).Select(_ => NewStream()).ToArray();
        var queued = streams.Select(s => Append(s, ExpectedVersion.NoStream)).ToArray();

        await held.DisposeAsync();
        var first = await inFlight;
        var results = await Task.WhenAll(queued);

        Assert.Equal(1, await DistinctTransactionsAsync(streams));
        Assert.All(results, r => Assert.Equal(2, r.StreamVersion));
        Assert.All(results, r => Assert.True(r.FirstSeq > first.LastSeq));
        Assert.Equal(results.Select(r => r.FirstSeq).Order(), results.Select(r => r.FirstSeq));
        Assert.Equal(results.Length * 2, results.Sum(r => r.LastSeq - r.FirstSeq + 1));
    }

    [Fact]
    public async Task Append_QueuedWithAConflictingCaller_FailsOnlyThatCaller()
    {
        var existing = NewStream();
        await Append(existing, ExpectedVersion.NoStream);
        var (held, inFlight) = await BlockTheQueueAsync();
        var before = NewStream();
        var after = NewStream();

        var ok1 = Append(before, ExpectedVersion.NoStream);
        var stale = Append(existing, ExpectedVersion.NoStream);
        var ok2 = Append(after, ExpectedVersion.NoStream);
        await held.DisposeAsync();
        await inFlight;

        var error = await Assert.ThrowsAsync<WrongExpectedVersionException>(() => stale);
        Assert.Equal(existing, error.StreamId);
        Assert.Equal(2, error.Actual);
        Assert.Equal(2, (await ok1).StreamVersion);
        Assert.Equal(2, (await ok2).StreamVersion);
        Assert.Equal(2, await _store.GetStreamVersionAsync(existing));
        Assert.Equal(1, await DistinctTransactionsAsync([before, after]));
    }

    [Fact]
    public async Task AppendMany_QueuedWithOthers_StaysAllOrNothingOnItsOwn()
    {
        var existing = NewStream();
        await Append(existing, ExpectedVersion.NoStream);
        var (held, inFlight) = await BlockTheQueueAsync();
        var fresh = NewStream();
        var bystander = NewStream();

        var many = _store.AppendManyAsync(
        [
            new StreamAppend(fresh, "test", ExpectedVersion.NoStream, Events(1), EventMetadata.Engine("c")),
            new StreamAppend(existing, "test", ExpectedVersion.Exactly(7), Events(1), EventMetadata.Engine("c")),
        ]);
        var other = Append(bystander, ExpectedVersion.NoStream);
        await held.DisposeAsync();
        await inFlight;

        await Assert.ThrowsAsync<WrongExpectedVersionException>(() => many);
        Assert.Null(await _store.GetStreamVersionAsync(fresh));
        Assert.Equal(2, await _store.GetStreamVersionAsync(existing));
        Assert.Equal(2, (await other).StreamVersion);
    }

    [Fact]
    public async Task Append_QueuedWithACallerSendingMalformedJson_FailsOnlyThatCaller()
    {
        var (held, inFlight) = await BlockTheQueueAsync();
        var good1 = NewStream();
        var bad = NewStream();
        var good2 = NewStream();

        var ok1 = Append(good1, ExpectedVersion.NoStream);
        var broken = Append(bad, ExpectedVersion.NoStream, [new EventToAppend("test.counted.v1", "{\"n\": ")]);
        var ok2 = Append(good2, ExpectedVersion.NoStream);
        await held.DisposeAsync();
        await inFlight;

        await Assert.ThrowsAsync<PostgresException>(() => broken);
        Assert.Equal(2, (await ok1).StreamVersion);
        Assert.Equal(2, (await ok2).StreamVersion);
        Assert.Null(await _store.GetStreamVersionAsync(bad));
    }

    [Fact]
    public async Task Append_QueuedTwiceToOneStream_AppliesBothInCallOrder()
    {
        var (held, inFlight) = await BlockTheQueueAsync();
        var stream = NewStream();

        var first = Append(stream, ExpectedVersion.NoStream);
        var second = Append(stream, ExpectedVersion.Exactly(2));
        await held.DisposeAsync();
        await inFlight;

        Assert.Equal(2, (await first).StreamVersion);
        Assert.Equal(4, (await second).StreamVersion);
        Assert.True((await first).LastSeq < (await second).FirstSeq);
    }
}
