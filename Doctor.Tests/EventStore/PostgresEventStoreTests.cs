using System.Text.Json;
using Doctor.Workflows.EventStore;
using Npgsql;

namespace Doctor.Tests.EventStore;

public sealed class PostgresEventStoreTests(EventStoreDatabase db) : IClassFixture<EventStoreDatabase>
{
    private readonly PostgresEventStore _store = db.Store;

    private static string NewStream() => "test-" + Guid.NewGuid().ToString("N");

    private static EventToAppend[] Events(int count, int from = 1) =>
        Enumerable.Range(from, count).Select(n => new EventToAppend("test.counted.v1", $$"""{"n": {{n}}}""")).ToArray();

    private static EventMetadata Meta(string? commandId = null) => new("corr-1", "cause-1", "admin", commandId);

    [Fact]
    public async Task Append_ToNewStream_ThenReadStreamReturnsDataMetadataVersionsAndSeq()
    {
        var stream = NewStream();
        var id = Guid.NewGuid();
        var events = new[] { new EventToAppend("test.counted.v1", """{"n": 1, "host": "compute-1"}""", id), Events(1, 2)[0] };

        var result = await _store.AppendAsync(stream, "test", ExpectedVersion.NoStream, events, Meta("cmd-" + stream));

        Assert.Equal(stream, result.StreamId);
        Assert.Equal(2, result.StreamVersion);
        Assert.Equal(result.FirstSeq + 1, result.LastSeq);
        Assert.False(result.Duplicate);

        var read = await _store.ReadStreamAsync(stream);
        Assert.Equal(2, read.Count);
        Assert.Equal([1L, 2L], read.Select(e => e.Version));
        Assert.Equal([result.FirstSeq, result.LastSeq], read.Select(e => e.Seq));
        Assert.Equal(id, read[0].Id);
        Assert.All(read, e => Assert.Equal(stream, e.StreamId));
        Assert.All(read, e => Assert.Equal("test.counted.v1", e.Type));
        Assert.Equal("compute-1", JsonDocument.Parse(read[0].Data).RootElement.GetProperty("host").GetString());
        Assert.Equal(2, JsonDocument.Parse(read[1].Data).RootElement.GetProperty("n").GetInt32());
        Assert.All(read, e => Assert.Equal(Meta("cmd-" + stream), e.Metadata));
        Assert.All(read, e => Assert.True(e.RecordedAt > DateTimeOffset.UtcNow.AddMinutes(-5)));
        Assert.Equal(2, await _store.GetStreamVersionAsync(stream));

        var fromSecond = await _store.ReadStreamAsync(stream, fromVersion: 2);
        Assert.Equal([2L], fromSecond.Select(e => e.Version));
        var firstOnly = await _store.ReadStreamAsync(stream, maxCount: 1);
        Assert.Equal([1L], firstOnly.Select(e => e.Version));
    }

    [Fact]
    public async Task Append_StoresMetadataAsSnakeCaseJson()
    {
        var stream = NewStream();
        await _store.AppendAsync(stream, "test", ExpectedVersion.NoStream, Events(1), new EventMetadata("c", null, "engine", null));

        await using var command = db.DataSource.CreateCommand("SELECT metadata::text FROM doctor.events WHERE stream_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = stream });
        var json = JsonDocument.Parse((string)(await command.ExecuteScalarAsync())!).RootElement;

        Assert.Equal("c", json.GetProperty("correlation_id").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("causation_id").ValueKind);
        Assert.Equal("engine", json.GetProperty("actor").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("command_id").ValueKind);
    }

    [Fact]
    public async Task Append_WithNoStreamOnExistingStream_ThrowsWrongExpectedVersionAndWritesNothing()
    {
        var stream = NewStream();
        await _store.AppendAsync(stream, "test", ExpectedVersion.NoStream, Events(3), Meta());

        var error = await Assert.ThrowsAsync<WrongExpectedVersionException>(() =>
            _store.AppendAsync(stream, "test", ExpectedVersion.NoStream, Events(1, 4), Meta()));

        Assert.Equal(stream, error.StreamId);
        Assert.Equal(ExpectedVersion.NoStream, error.Expected);
        Assert.Equal(3, error.Actual);
        Assert.Equal(3, (await _store.ReadStreamAsync(stream)).Count);
        Assert.Equal(3, await _store.GetStreamVersionAsync(stream));
    }

    [Fact]
    public async Task Append_WithStaleExpectedVersion_ThrowsWrongExpectedVersionAndWritesNothing()
    {
        var stream = NewStream();
        await _store.AppendAsync(stream, "test", ExpectedVersion.NoStream, Events(2), Meta());
        await _store.AppendAsync(stream, "test", ExpectedVersion.Exactly(2), Events(1, 3), Meta());
        var head = await _store.GetHeadAsync();

        var error = await Assert.ThrowsAsync<WrongExpectedVersionException>(() =>
            _store.AppendAsync(stream, "test", ExpectedVersion.Exactly(2), Events(5, 10), Meta("cmd-stale-" + stream)));

        Assert.Equal(3, error.Actual);
        Assert.Equal(ExpectedVersion.Exactly(2), error.Expected);
        Assert.Equal(3, await _store.GetStreamVersionAsync(stream));
        Assert.Equal(head, await _store.GetHeadAsync());
        Assert.Equal(0, await db.ScalarAsync("SELECT count(*) FROM doctor.commands WHERE command_id = $1", "cmd-stale-" + stream));
    }

    [Fact]
    public async Task Append_WithExactVersionOnMissingStream_ThrowsWithActualNoStream()
    {
        var stream = NewStream();

        var error = await Assert.ThrowsAsync<WrongExpectedVersionException>(() =>
            _store.AppendAsync(stream, "test", ExpectedVersion.Exactly(1), Events(1), Meta()));

        Assert.Null(error.Actual);
        Assert.Null(await _store.GetStreamVersionAsync(stream));
        Assert.Empty(await _store.ReadStreamAsync(stream));
    }

    [Fact]
    public async Task Append_WithAny_CreatesAndExtendsStreams()
    {
        var stream = NewStream();

        var first = await _store.AppendAsync(stream, "test", ExpectedVersion.Any, Events(2), Meta());
        var second = await _store.AppendAsync(stream, "test", ExpectedVersion.Any, Events(3, 3), Meta());

        Assert.Equal(2, first.StreamVersion);
        Assert.Equal(5, second.StreamVersion);
        Assert.Equal([1L, 2L, 3L, 4L, 5L], (await _store.ReadStreamAsync(stream)).Select(e => e.Version));
    }

    [Fact]
    public async Task Append_WithEmptyEventList_ThrowsArgumentExceptionAndWritesNothing()
    {
        var stream = NewStream();

        await Assert.ThrowsAsync<ArgumentException>(() =>
            _store.AppendAsync(stream, "test", ExpectedVersion.Any, [], Meta()));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            _store.AppendManyAsync([new StreamAppend(NewStream(), "test", ExpectedVersion.Any, Events(1), Meta()),
                                    new StreamAppend(stream, "test", ExpectedVersion.Any, [], Meta())]));
        await Assert.ThrowsAsync<ArgumentException>(() => _store.AppendManyAsync([]));

        Assert.Null(await _store.GetStreamVersionAsync(stream));
    }

    // More than 16 streams take the set-based path of doctor.append_events (migration 0010): the same answers as the loop.
    [Theory]
    [InlineData(3)]
    [InlineData(40)]
    public async Task AppendMany_OfManyStreams_WritesEachInOrder_WithConsecutiveSeqs_AndExistingStreamsContinue(int streams)
    {
        var ids = Enumerable.Range(0, streams).Select(_ => NewStream()).ToList();
        await _store.AppendAsync(ids[1], "test", ExpectedVersion.NoStream, Events(2), Meta());

        var results = await _store.AppendManyAsync([.. ids.Select((id, i) =>
            new StreamAppend(id, "test", i == 1 ? ExpectedVersion.Exactly(2) : ExpectedVersion.NoStream, Events(i % 3 + 1, 10), Meta($"cmd-{id}")))]);

        Assert.Equal(ids, results.Select(r => r.StreamId));
        for (var i = 0; i < streams; i++)
        {
            var read = await _store.ReadStreamAsync(ids[i]);
            var before = i == 1 ? 2 : 0;
            Assert.Equal(before + i % 3 + 1, results[i].StreamVersion);
            Assert.Equal(Enumerable.Range(1, before + i % 3 + 1).Select(v => (long)v), read.Select(e => e.Version));
            Assert.Equal(results[i].LastSeq - results[i].FirstSeq + 1, i % 3 + 1);
            Assert.Equal([.. Enumerable.Range(0, i % 3 + 1).Select(k => results[i].FirstSeq + k)], read.Skip(before).Select(e => e.Seq));
            if (i > 0)
                Assert.Equal(results[i - 1].LastSeq + 1, results[i].FirstSeq);
        }

        // The same command ids again: every part a duplicate with its first result, nothing written.
        var again = await _store.AppendManyAsync([.. ids.Select((id, i) =>
            new StreamAppend(id, "test", ExpectedVersion.Any, Events(1, 99), Meta($"cmd-{id}")))]);
        Assert.All(again, r => Assert.True(r.Duplicate));
        Assert.Equal(results.Select(r => (r.StreamVersion, r.FirstSeq, r.LastSeq)), again.Select(r => (r.StreamVersion, r.FirstSeq, r.LastSeq)));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(40)]
    public async Task AppendMany_OfManyStreams_WithOneConflict_WritesNothing_AndNamesTheStream(int streams)
    {
        var ids = Enumerable.Range(0, streams).Select(_ => NewStream()).ToList();
        await _store.AppendAsync(ids[^1], "test", ExpectedVersion.NoStream, Events(1), Meta());

        var error = await Assert.ThrowsAsync<WrongExpectedVersionException>(() => _store.AppendManyAsync([.. ids.Select(id =>
            new StreamAppend(id, "test", ExpectedVersion.NoStream, Events(2), Meta()))]));

        Assert.Contains(ids[^1], error.Message);
        foreach (var id in ids.SkipLast(1))
            Assert.Null(await _store.GetStreamVersionAsync(id));
        Assert.Equal(1, await _store.GetStreamVersionAsync(ids[^1]));
    }

    [Fact]
    public async Task AppendMany_WithTheSameStreamTwice_ThrowsArgumentException()
    {
        var stream = NewStream();

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            _store.AppendManyAsync([new StreamAppend(stream, "test", ExpectedVersion.Any, Events(1), Meta()),
                                    new StreamAppend(stream, "test", ExpectedVersion.Any, Events(1), Meta())]));

        Assert.Contains(stream, error.Message);
        Assert.Null(await _store.GetStreamVersionAsync(stream));
    }

    [Fact]
    public async Task Append_WithInvalidJsonBody_FailsAndWritesNothingForAnyStream()
    {
        var good = NewStream();
        var bad = NewStream();

        await Assert.ThrowsAsync<PostgresException>(() =>
            _store.AppendManyAsync([new StreamAppend(good, "test", ExpectedVersion.NoStream, Events(1), Meta()),
                                    new StreamAppend(bad, "test", ExpectedVersion.NoStream, [new EventToAppend("test.counted.v1", "{not json")], Meta())]));

        Assert.Null(await _store.GetStreamVersionAsync(good));
        Assert.Null(await _store.GetStreamVersionAsync(bad));
    }

    [Fact]
    public async Task Append_SameCommandIdTwice_ReturnsFirstResultAsDuplicateAndWritesOnce()
    {
        var stream = NewStream();
        var commandId = "cmd-" + Guid.NewGuid();

        var first = await _store.AppendAsync(stream, "test", ExpectedVersion.NoStream, Events(2), Meta(commandId));
        var again = await _store.AppendAsync(stream, "test", ExpectedVersion.NoStream, Events(2), Meta(commandId));

        Assert.False(first.Duplicate);
        Assert.True(again.Duplicate);
        Assert.Equal(first with { Duplicate = true }, again);
        Assert.Equal(2, (await _store.ReadStreamAsync(stream)).Count);

        // A new command still goes through the version check.
        var next = await _store.AppendAsync(stream, "test", ExpectedVersion.Exactly(2), Events(1, 3), Meta("cmd-" + Guid.NewGuid()));
        Assert.Equal(3, next.StreamVersion);
        Assert.Equal(first with { Duplicate = true },
            await _store.AppendAsync(stream, "test", ExpectedVersion.Exactly(3), Events(1, 4), Meta(commandId)));
    }

    [Fact]
    public async Task Append_SameCommandIdFromTwentyConcurrentWriters_WritesExactlyOnce()
    {
        var stream = NewStream();
        var commandId = "cmd-" + Guid.NewGuid();
        using var start = new SemaphoreSlim(0);

        var appends = Enumerable.Range(0, 20).Select(async _ =>
        {
            await start.WaitAsync();
            return await _store.AppendAsync(stream, "test", ExpectedVersion.NoStream, Events(3), Meta(commandId));
        }).ToArray();
        start.Release(20);
        var results = await Task.WhenAll(appends);

        Assert.Single(results, r => !r.Duplicate);
        var written = results.Single(r => !r.Duplicate);
        Assert.All(results, r => Assert.Equal(written with { Duplicate = r.Duplicate }, r));
        Assert.Equal(3, (await _store.ReadStreamAsync(stream)).Count);
        Assert.Equal(1, await db.ScalarAsync("SELECT count(*) FROM doctor.commands WHERE command_id = $1", commandId));
    }

    [Fact]
    public async Task AppendMany_WhenOneStreamConflicts_WritesNothingForAnyStream()
    {
        var fresh = NewStream();
        var existing = NewStream();
        await _store.AppendAsync(existing, "test", ExpectedVersion.NoStream, Events(1), Meta());
        var head = await _store.GetHeadAsync();

        var error = await Assert.ThrowsAsync<WrongExpectedVersionException>(() => _store.AppendManyAsync(
        [
            new StreamAppend(fresh, "test", ExpectedVersion.NoStream, Events(2), Meta("cmd-many-" + fresh)),
            new StreamAppend(existing, "test", ExpectedVersion.NoStream, Events(1), Meta("cmd-many-" + fresh)),
        ]));

        Assert.Equal(existing, error.StreamId);
        Assert.Equal(1, error.Actual);
        Assert.Null(await _store.GetStreamVersionAsync(fresh));
        Assert.Equal(1, await _store.GetStreamVersionAsync(existing));
        Assert.Equal(head, await _store.GetHeadAsync());
        Assert.Equal(0, await db.ScalarAsync("SELECT count(*) FROM doctor.commands WHERE command_id = $1", "cmd-many-" + fresh));
    }

    [Fact]
    public async Task AppendMany_WhenAllMatch_WritesEveryStreamInOneTransactionAndIsIdempotent()
    {
        var a = NewStream();
        var b = NewStream();
        await _store.AppendAsync(b, "test", ExpectedVersion.NoStream, Events(1), Meta());
        var commandId = "cmd-" + Guid.NewGuid();
        StreamAppend[] appends =
        [
            new(a, "test", ExpectedVersion.NoStream, Events(2), Meta(commandId)),
            new(b, "other", ExpectedVersion.Exactly(1), Events(3), Meta(commandId)),
        ];

        var results = await _store.AppendManyAsync(appends);
        var again = await _store.AppendManyAsync(appends);

        Assert.Equal([a, b], results.Select(r => r.StreamId));
        Assert.Equal([2L, 4L], results.Select(r => r.StreamVersion));
        Assert.Equal(results[0].LastSeq + 1, results[1].FirstSeq);
        Assert.All(results, r => Assert.False(r.Duplicate));
        Assert.Equal(results.Select(r => r with { Duplicate = true }), again);
        Assert.Equal(1, await db.ScalarAsync(
            "SELECT count(DISTINCT tx) FROM doctor.events WHERE command_id = $1", commandId));
        Assert.Equal(5, await db.ScalarAsync("SELECT count(*) FROM doctor.events WHERE command_id = $1", commandId));
    }

    [Fact]
    public async Task ReadAll_AfterAPosition_ReturnsLaterEventsInSeqOrderUpToTheLimit()
    {
        var head = await _store.GetHeadAsync();
        var streams = Enumerable.Range(0, 3).Select(_ => NewStream()).ToArray();
        foreach (var round in Enumerable.Range(0, 3))
        {
            foreach (var stream in streams)
            {
                await _store.AppendAsync(stream, "test", ExpectedVersion.Any, Events(2, round * 2 + 1), Meta());
            }
        }

        var all = await _store.ReadAllAsync(head, 100);
        var page = await _store.ReadAllAsync(head, 5);
        var rest = await _store.ReadAllAsync(page[^1].Seq, 100);

        Assert.Equal(18, all.Count);
        Assert.Equal(all.Select(e => e.Seq).Order(), all.Select(e => e.Seq));
        Assert.Equal(Enumerable.Range(0, 18).Select(i => head + 1 + i), all.Select(e => e.Seq));
        Assert.Equal(all.Take(5).Select(e => e.Id), page.Select(e => e.Id));
        Assert.Equal(all.Skip(5).Select(e => e.Id), rest.Select(e => e.Id));
        Assert.Equal([streams[0], streams[0], streams[1], streams[1]], all.Take(4).Select(e => e.StreamId));
        Assert.Empty(await _store.ReadAllAsync(all[^1].Seq, 10));
    }

    [Fact]
    public async Task EnumerateStream_FromAVersion_YieldsTheSameEventsAsReadStream()
    {
        var stream = NewStream();
        await _store.AppendAsync(stream, "test", ExpectedVersion.NoStream, Events(5), Meta());
        await _store.AppendAsync(NewStream(), "test", ExpectedVersion.NoStream, Events(2), Meta());

        var enumerated = new List<RecordedEvent>();
        await foreach (var evt in _store.EnumerateStreamAsync(stream, fromVersion: 2))
        {
            enumerated.Add(evt);
        }

        Assert.Equal(await _store.ReadStreamAsync(stream, fromVersion: 2), enumerated);
        Assert.Equal([2L, 3L, 4L, 5L], enumerated.Select(e => e.Version));
    }

    [Fact]
    public async Task GetStreamVersion_OfMissingStream_IsNull()
    {
        Assert.Null(await _store.GetStreamVersionAsync(NewStream()));
        Assert.Empty(await _store.ReadStreamAsync(NewStream()));
    }

    [Fact]
    public async Task Append_WhenCommitted_NotifiesTheLastSeqOnDoctorEvents()
    {
        await using var listener = await db.DataSource.OpenConnectionAsync();
        var payloads = new List<string>();
        listener.Notification += (_, e) => { if (e.Channel == PostgresEventStore.NotificationChannel) payloads.Add(e.Payload); };
        await using (var listen = new NpgsqlCommand("LISTEN doctor_events", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        var result = await _store.AppendAsync(NewStream(), "test", ExpectedVersion.NoStream, Events(4), Meta());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!payloads.Contains(result.LastSeq.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            await listener.WaitAsync(timeout.Token);
        }

        Assert.Contains(result.LastSeq.ToString(System.Globalization.CultureInfo.InvariantCulture), payloads);
    }
}
