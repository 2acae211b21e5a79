using Doctor.Workflows.EventStore;

namespace Doctor.Tests.EventStore;

/// <summary>The start-up warm-up's event store (<see cref="PostgresEventStore.RollingBack"/>): the real statement, nothing kept.</summary>
public sealed class RollingBackStoreTests(EventStoreDatabase db) : IClassFixture<EventStoreDatabase>
{
    private static EventToAppend[] Events(int count) =>
        Enumerable.Range(1, count).Select(n => new EventToAppend("test.counted.v1", $$"""{"n": {{n}}}""")).ToArray();

    [Fact]
    public async Task GivenTheRollingBackStore_WhenItAppendsAgainAndAgain_ThenNothingIsKept_AndEachStreamIsAnsweredAsIfKept()
    {
        var store = PostgresEventStore.RollingBack(db.DataSource);
        var stream = "dry-" + Guid.NewGuid().ToString("N");
        var other = "dry-" + Guid.NewGuid().ToString("N");
        var head = await db.Store.GetHeadAsync();

        var opened = await store.AppendManyAsync([
            new StreamAppend(stream, "test", ExpectedVersion.NoStream, Events(3), new EventMetadata("c", null, "warm-up", null)),
            new StreamAppend(other, "test", ExpectedVersion.NoStream, Events(1), new EventMetadata("c", null, "warm-up", null))]);
        // The stream was rolled back: a real store would answer "no stream" to this expected version.
        var next = await store.AppendAsync(stream, "test", ExpectedVersion.Exactly(3), Events(2), new EventMetadata("c", null, "warm-up", null));

        Assert.Equal([3L, 1L], opened.Select(r => r.StreamVersion));
        Assert.Equal(5, next.StreamVersion);
        Assert.True(next.FirstSeq > opened[1].LastSeq);
        Assert.Empty(await db.Store.ReadStreamAsync(stream));
        Assert.Null(await db.Store.GetStreamVersionAsync(other));
        Assert.Equal(head, await db.Store.GetHeadAsync());
        Assert.Empty(await db.Store.ReadAllAsync(head, 100));
    }

    [Fact]
    public async Task GivenARealAppendAfterRolledBackOnes_ThenTheFeedReadsItAcrossTheGap()
    {
        var store = PostgresEventStore.RollingBack(db.DataSource);
        var head = await db.Store.GetHeadAsync();
        var dry = await store.AppendAsync("dry-" + Guid.NewGuid().ToString("N"), "test", ExpectedVersion.NoStream, Events(4), new EventMetadata("c", null, "warm-up", null));

        var real = await db.Store.AppendAsync("real-" + Guid.NewGuid().ToString("N"), "test", ExpectedVersion.NoStream, Events(1), new EventMetadata("c", null, "admin", null));

        // The positions the rolled-back append drew are a gap, as any failed append leaves one: the feed reads past it.
        Assert.True(real.FirstSeq > dry.LastSeq);
        var read = await db.Store.ReadAllAsync(head, 100);
        Assert.Equal([real.FirstSeq], read.Where(e => e.StreamId.StartsWith("real-", StringComparison.Ordinal) || e.StreamId.StartsWith("dry-", StringComparison.Ordinal)).Select(e => e.Seq));
    }
}
