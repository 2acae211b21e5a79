using Doctor.Workflows.Notifications.Delivery;

namespace Doctor.Tests.Notifications;

/// <summary>
/// Recording deliveries through the store's one writer (<see cref="DeliveryStore.RecordAsync"/>): many callers at once
/// share statements, yet each learns exactly which of its rows were new, and one caller's bad row fails only that caller.
/// </summary>
public sealed class DeliveryRecordingTests(AlarmDatabase db) : IClassFixture<AlarmDatabase>, IAsyncLifetime
{
    private static readonly Uri Endpoint = new("http://127.0.0.1:9/never");

    public Task InitializeAsync() => db.ClearAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task GivenAHundredCallersWhoseRowsOverlap_WhenTheyRecordAtOnce_ThenEveryRowIsStoredOnceAndReportedNewToExactlyOneCaller()
    {
        await using var services = AlarmServices.Create(db.DataSource);
        // 100 callers of 50 rows over 2,500 distinct rows: each row is offered by two callers (the fast lane and the feed).
        var rows = Deliveries(2_500, seqFrom: 1);
        var callers = Enumerable.Range(0, 100).Select(c => rows.Skip(c * 25 % 2_500).Take(50).ToList()).ToList();

        var reported = await Task.WhenAll(callers.Select(c => Task.Run(() => services.Store.RecordAsync(c))));

        var newIds = reported.SelectMany(r => r).ToList();
        Assert.Equal(newIds.Count, newIds.Distinct().Count()); // no row reported new twice
        Assert.Equal(rows.Select(r => r.Id!.Value).Order(), newIds.Order()); // and every row reported new once
        for (var c = 0; c < callers.Count; c++)
            Assert.Subset(callers[c].Select(d => d.Id!.Value).ToHashSet(), reported[c].ToHashSet()); // only its own rows
        Assert.Equal(2_500, await CountAsync());

        // Offered again: none is new.
        Assert.Empty(await services.Store.RecordAsync(rows));
    }

    [Fact]
    public async Task GivenOneCallerWithARowTheDatabaseRefuses_WhenOthersRecordAtTheSameTime_ThenOnlyThatCallerFailsAndTheOthersRowsAreStored()
    {
        await using var services = AlarmServices.Create(db.DataSource);
        var good = Enumerable.Range(0, 20).Select(c => Deliveries(30, seqFrom: 1_000 * (c + 1))).ToList();
        // PostgreSQL text cannot hold NUL: this row fails any statement it is part of.
        var bad = Deliveries(5, seqFrom: 1);
        bad[2] = bad[2] with { Subscriber = "test:bad\0row" };

        var goodTasks = good.Select(g => Task.Run(() => services.Store.RecordAsync(g))).ToList();
        var badTask = Task.Run(() => services.Store.RecordAsync(bad));
        var results = await Task.WhenAll(goodTasks);

        await Assert.ThrowsAnyAsync<Exception>(() => badTask);
        for (var c = 0; c < good.Count; c++)
            Assert.Equal(good[c].Select(d => d.Id!.Value).Order(), results[c].Order());
        Assert.Equal(20 * 30, await CountAsync()); // nothing of the refused caller's statement was kept
    }

    private async Task<long> CountAsync()
    {
        await using var command = db.DataSource.CreateCommand("SELECT count(*) FROM doctor.webhook_deliveries");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static List<WebhookDelivery> Deliveries(int count, long seqFrom) => PendingDeliveries.Make(Endpoint, count, seqFrom, "test:recording");
}
