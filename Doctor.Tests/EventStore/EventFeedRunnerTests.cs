using Doctor.Tests.Infrastructure;
using Doctor.Workflows.EventStore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Doctor.Tests.EventStore;

/// <summary>Each test gets its own database, so the feed holds exactly what the test wrote.</summary>
public sealed class EventFeedRunnerTests : IAsyncLifetime
{
    private readonly EventStoreDatabase _db = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(45));

    private PostgresEventStore Store => _db.Store;
    private CancellationToken Ct => _timeout.Token;

    public Task InitializeAsync() => _db.InitializeAsync();

    public async Task DisposeAsync()
    {
        _timeout.Dispose();
        await _db.DisposeAsync();
    }

    private EventFeedRunner Runner(IEnumerable<IEventFeedHandler> handlers, Action<EventStoreOptions>? configure = null, ILogger<EventFeedRunner>? logger = null)
    {
        var options = new EventStoreOptions
        {
            FeedPollInterval = TimeSpan.FromSeconds(1),
            FeedRetryInitialDelay = TimeSpan.FromMilliseconds(10),
            FeedRetryMaxDelay = TimeSpan.FromMilliseconds(100),
        };
        configure?.Invoke(options);
        return new EventFeedRunner(_db.DataSource, Store, handlers, Options.Create(options), logger ?? NullLogger<EventFeedRunner>.Instance);
    }

    private static EventToAppend[] Events(int count, string tag = "e") =>
        Enumerable.Range(1, count).Select(n => new EventToAppend("test.counted.v1", $$"""{"tag": "{{tag}}", "n": {{n}}}""")).ToArray();

    private Task<AppendResult> Append(string stream, int count = 1) =>
        Store.AppendAsync(stream, "test", ExpectedVersion.Any, Events(count, stream), EventMetadata.Engine("c"), Ct);

    private async Task<long[]> AllSeqsAsync()
    {
        var seqs = new List<long>();
        await using var command = _db.DataSource.CreateCommand("SELECT seq FROM doctor.events ORDER BY seq");
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            seqs.Add(reader.GetInt64(0));
        }
        return [.. seqs];
    }

    [Fact]
    public async Task Runner_WithEightConcurrentAppenders_DeliversAllEightyThousandEventsOnceInSeqOrder()
    {
        const int writers = 8, appendsPerWriter = 200, batch = 50, streamsPerWriter = 25;
        var handler = new RecordingFeedHandler("tail-80k");
        var runner = Runner([handler]);
        await runner.StartAsync(Ct);
        try
        {
            await runner.WaitForPositionAsync(handler.Name, 0, Ct);
            var appenders = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                var versions = new long[streamsPerWriter];
                for (var k = 0; k < appendsPerWriter; k++)
                {
                    var s = k % streamsPerWriter;
                    var events = Enumerable.Range(0, batch)
                        .Select(i => new EventToAppend("test.counted.v1", $$"""{"writer": {{w}}, "append": {{k}}, "i": {{i}}}"""))
                        .ToArray();
                    var result = await Store.AppendAsync($"load-{w}-{s}", "test", ExpectedVersion.Exactly(versions[s]), events, EventMetadata.Engine($"w{w}"), Ct);
                    versions[s] = result.StreamVersion;
                }
            }, Ct)).ToArray();
            await Task.WhenAll(appenders);

            await runner.WaitUntilCaughtUpAsync(Ct);
        }
        finally
        {
            await runner.StopAsync(CancellationToken.None);
        }

        var seen = handler.Seen;
        Assert.Equal(writers * appendsPerWriter * batch, seen.Count);
        Assert.Equal(0, handler.OutOfOrderBatches);
        Assert.Equal(seen.Count, seen.Select(e => e.Id).Distinct().Count());
        Assert.Equal(await AllSeqsAsync(), seen.Select(e => e.Seq));
        Assert.All(seen.GroupBy(e => e.StreamId), stream =>
            Assert.Equal(Enumerable.Range(1, appendsPerWriter / streamsPerWriter * batch).Select(v => (long)v), stream.Select(e => e.Version)));
    }

    [Fact]
    public async Task Runner_WhenAnEarlierAppendCommitsLate_WaitsAndDeliversItBeforeTheLaterOne()
    {
        var handler = new RecordingFeedHandler("late-commit");
        var runner = Runner([handler], o => o.FeedPollInterval = TimeSpan.FromMilliseconds(20));
        await runner.StartAsync(Ct);
        try
        {
            var first = await Append("early");
            await runner.WaitForPositionAsync(handler.Name, first.LastSeq, Ct);

            // The held transaction takes its positions first, then stays open while another append is attempted.
            await using var connection = await _db.DataSource.OpenConnectionAsync(Ct);
            await using var tx = await connection.BeginTransactionAsync(Ct);
            var late = (await Store.AppendManyAsync(connection,
                [new StreamAppend("late", "test", ExpectedVersion.NoStream, Events(3, "late"), EventMetadata.Engine("c"))], Ct))[0];
            var next = Append("next", 2);
            await _db.WaitForBlockedAppendAsync(Ct);

            Assert.False(next.IsCompleted);
            Assert.Empty(await Store.ReadAllAsync(first.LastSeq, 100, Ct));
            Assert.Equal(first.LastSeq, runner.PositionOf(handler.Name));

            await tx.CommitAsync(Ct);
            var after = await next;
            await runner.WaitForPositionAsync(handler.Name, after.LastSeq, Ct);

            Assert.True(late.LastSeq < after.FirstSeq);
            Assert.Equal(["early", "late", "late", "late", "next", "next"], handler.Seen.Select(e => e.StreamId));
            Assert.Equal(await AllSeqsAsync(), handler.Seen.Select(e => e.Seq));
            Assert.Equal(0, handler.OutOfOrderBatches);
        }
        finally
        {
            await runner.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Runner_RestartedWithTheSameHandlerName_ResumesAfterItsCheckpointWithoutRedelivery()
    {
        var before = new RecordingFeedHandler("projection");
        var runner = Runner([before]);
        await runner.StartAsync(Ct);
        await Append("s", 10);
        await runner.WaitUntilCaughtUpAsync(Ct);
        await runner.StopAsync(CancellationToken.None);
        runner.Dispose();

        var more = await Append("s", 5);
        var after = new RecordingFeedHandler("projection");
        var restarted = Runner([after]);
        await restarted.StartAsync(Ct);
        await restarted.WaitUntilCaughtUpAsync(Ct);
        await restarted.StopAsync(CancellationToken.None);

        Assert.Equal(10, before.Seen.Count);
        Assert.Equal(Enumerable.Range((int)more.FirstSeq, 5).Select(s => (long)s), after.Seen.Select(e => e.Seq));
        Assert.Equal(more.LastSeq, await _db.ScalarAsync("SELECT position FROM doctor.checkpoints WHERE name = 'projection'"));
    }

    [Fact]
    public async Task Runner_WhenAHandlerThrows_LogsAndRetriesTheSameBatchWithoutSkipping()
    {
        var failures = 0;
        var handler = new RecordingFeedHandler("flaky")
        {
            BeforeRecording = batch => ++failures <= 3 ? throw new InvalidOperationException("projection store down") : Task.CompletedTask,
        };
        var logger = new ListLogger<EventFeedRunner>();
        var first = await Append("s", 4);
        var runner = Runner([handler], logger: logger);
        await runner.StartAsync(Ct);
        await runner.WaitUntilCaughtUpAsync(Ct);
        var second = await Append("s", 2);
        await runner.WaitForPositionAsync(handler.Name, second.LastSeq, Ct);
        await runner.StopAsync(CancellationToken.None);

        Assert.Equal(await AllSeqsAsync(), handler.Seen.Select(e => e.Seq));
        Assert.Equal(first.FirstSeq, handler.Seen[0].Seq);
        Assert.Equal(0, handler.OutOfOrderBatches);
        var errors = logger.Entries.Where(e => e.Level == LogLevel.Error).ToList();
        Assert.Equal(3, errors.Count);
        Assert.All(errors, e => Assert.Contains("flaky", e.Message));
        Assert.All(errors, e => Assert.IsType<InvalidOperationException>(e.Exception));
    }

    [Fact]
    public async Task Runner_WithAStuckHandler_KeepsTheOtherHandlersCurrent()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stuck = new RecordingFeedHandler("stuck") { BeforeRecording = _ => gate.Task };
        var quick = new RecordingFeedHandler("quick");
        var runner = Runner([stuck, quick]);
        await runner.StartAsync(Ct);
        try
        {
            var a = await Append("s", 3);
            await runner.WaitForPositionAsync(quick.Name, a.LastSeq, Ct);
            var b = await Append("s", 2);
            await runner.WaitForPositionAsync(quick.Name, b.LastSeq, Ct);

            Assert.Equal(5, quick.Seen.Count);
            Assert.Empty(stuck.Seen);

            gate.SetResult();
            await runner.WaitUntilCaughtUpAsync(Ct);
            Assert.Equal(quick.Seen.Select(e => e.Seq), stuck.Seen.Select(e => e.Seq));
        }
        finally
        {
            gate.TrySetResult();
            await runner.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Runner_WithNotificationsOff_StillDeliversByPolling()
    {
        var handler = new RecordingFeedHandler("polling");
        var runner = Runner([handler], o => { o.FeedUseNotifications = false; o.FeedPollInterval = TimeSpan.FromMilliseconds(50); });
        await runner.StartAsync(Ct);
        await runner.WaitForPositionAsync(handler.Name, 0, Ct);
        var appended = await Append("s", 3);
        await runner.WaitForPositionAsync(handler.Name, appended.LastSeq, Ct);
        await runner.StopAsync(CancellationToken.None);

        Assert.Equal(3, handler.Seen.Count);
    }

    [Fact]
    public async Task Runner_TwoNodesWithTheSameHandler_RunItOnOneNodeAndFailOverOnStop()
    {
        var onA = new RecordingFeedHandler("notifier");
        var onB = new RecordingFeedHandler("notifier");
        var nodeA = Runner([onA]);
        var nodeB = Runner([onB]);
        await nodeA.StartAsync(Ct);
        await nodeA.WaitForPositionAsync("notifier", 0, Ct);
        await nodeB.StartAsync(Ct);
        try
        {
            var first = await Append("s", 4);
            await nodeA.WaitForPositionAsync("notifier", first.LastSeq, Ct);
            Assert.Null(nodeB.PositionOf("notifier"));

            await nodeA.StopAsync(CancellationToken.None);
            var second = await Append("s", 2);
            await nodeB.WaitForPositionAsync("notifier", second.LastSeq, Ct);

            Assert.Equal(4, onA.Seen.Count);
            Assert.Equal(Enumerable.Range((int)second.FirstSeq, 2).Select(s => (long)s), onB.Seen.Select(e => e.Seq));
        }
        finally
        {
            await nodeA.StopAsync(CancellationToken.None);
            await nodeB.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task CatchUp_OfAHandlerTheRunnerDoesNotRun_RunsItToTheHeadAndStoresItsCheckpoint()
    {
        await Append("s", 7);
        var runner = Runner([]);
        var rebuild = new RecordingFeedHandler("rebuild");

        var position = await runner.CatchUpAsync(rebuild, Ct);
        var more = await Append("s", 1);
        var again = await runner.CatchUpAsync(rebuild, Ct);

        Assert.Equal(more.LastSeq, again);
        Assert.Equal(await AllSeqsAsync(), rebuild.Seen.Select(e => e.Seq));
        Assert.Equal(position + 1, more.LastSeq);
    }

    [Fact]
    public void Runner_WithTwoHandlersOfTheSameName_IsRefused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Runner([new RecordingFeedHandler("x"), new RecordingFeedHandler("x")]));

        Assert.Contains("'x'", error.Message);
    }

    [Fact]
    public async Task Runner_OnAFreshDatabase_WaitsForTheSchemaAndThenDelivers()
    {
        await using var empty = await TestDatabase.CreateAsync();
        var handler = new RecordingFeedHandler("early-start");
        var options = Options.Create(new EventStoreOptions { FeedRetryInitialDelay = TimeSpan.FromMilliseconds(10), FeedRetryMaxDelay = TimeSpan.FromMilliseconds(50) });
        var store = new PostgresEventStore(empty.DataSource);
        var runner = new EventFeedRunner(empty.DataSource, store, [handler], options, NullLogger<EventFeedRunner>.Instance);
        await runner.StartAsync(Ct);
        try
        {
            await EventStoreSchema.MigrateAsync(empty.DataSource, Ct);
            var appended = await store.AppendAsync("s", "test", ExpectedVersion.NoStream, Events(2), EventMetadata.Engine("c"), Ct);
            await runner.WaitForPositionAsync(handler.Name, appended.LastSeq, Ct);

            Assert.Equal(2, handler.Seen.Count);
        }
        finally
        {
            await runner.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Runner_WhenTheApplicationStartsStopping_CancelsItsHandlersBeforeTheHostReachesIt()
    {
        // The host stops services in reverse order: the bus, registered after the runner, stops first. A handler still
        // publishing then fails with an error logged on every clean shutdown; it must be stopped when stopping begins.
        var lifetime = new Microsoft.Extensions.Hosting.Internal.ApplicationLifetime(NullLogger<Microsoft.Extensions.Hosting.Internal.ApplicationLifetime>.Instance);
        var handler = new WaitingFeedHandler();
        var options = Options.Create(new EventStoreOptions { FeedPollInterval = TimeSpan.FromSeconds(1) });
        var runner = new EventFeedRunner(_db.DataSource, Store, [handler], options, NullLogger<EventFeedRunner>.Instance, lifetime);
        await runner.StartAsync(Ct);
        try
        {
            await Append("s-1");
            await handler.Entered.Task.WaitAsync(Ct);

            lifetime.StopApplication(); // the runner's own StopAsync has not been called

            await handler.Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        }
        finally
        {
            await runner.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Runner_WhenAHandlerFailsBecauseTheServiceIsStopping_LogsNoErrorAndLeavesTheBatchForTheNextStart()
    {
        var lifetime = new Microsoft.Extensions.Hosting.Internal.ApplicationLifetime(NullLogger<Microsoft.Extensions.Hosting.Internal.ApplicationLifetime>.Instance);
        var handler = new WaitingFeedHandler { FailWhenCancelled = true }; // as the bus publisher does once the bus is stopped
        var logger = new ListLogger<EventFeedRunner>();
        var options = Options.Create(new EventStoreOptions { FeedPollInterval = TimeSpan.FromSeconds(1) });
        var runner = new EventFeedRunner(_db.DataSource, Store, [handler], options, logger, lifetime);
        await runner.StartAsync(Ct);
        await Append("s-1");
        await handler.Entered.Task.WaitAsync(Ct);

        lifetime.StopApplication();
        await handler.Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await runner.StopAsync(CancellationToken.None);

        Assert.DoesNotContain(logger.Entries, e => e.Level >= LogLevel.Warning);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("handled again at the next start"));
        await using var connection = await _db.DataSource.OpenConnectionAsync(Ct);
        Assert.Equal(0, await FeedCheckpoints.LoadAsync(connection, handler.Name, Ct)); // nothing checkpointed past the batch
    }

    /// <summary>Holds its first batch until its token is cancelled, and says when.</summary>
    private sealed class WaitingFeedHandler : IEventFeedHandler
    {
        public bool FailWhenCancelled { get; init; }

        public string Name => "waiting";
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task HandleAsync(IReadOnlyList<RecordedEvent> batch, CancellationToken ct)
        {
            Entered.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            finally
            {
                Cancelled.TrySetResult();
            }
            if (FailWhenCancelled)
                throw new InvalidOperationException("the bus is unhealthy: Not ready: stopped");
            ct.ThrowIfCancellationRequested();
        }
    }
}
