using Doctor.Tests.Infrastructure;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Notifications.Delivery;

namespace Doctor.Tests.Notifications;

/// <summary>
/// Adoption of stranded deliveries (docs/scale-out.md): nodes share one database, each with its own lease. A node's
/// services disposed is a node gone — its lease connection closes, as it does when a process is killed (the crash
/// variants in <see cref="DeliveryCrashTests"/> kill real processes).
/// </summary>
public sealed class DeliveryAdoptionTests : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await EventStoreSchema.MigrateAsync(_db.DataSource);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task GivenPendingRowsOfADeadNodeAndOfALiveOne_WhenTwoSurvivorsAdoptAtOnce_ThenEachDeadRowIsAdoptedOnceAndNoLiveRowIsTaken()
    {
        var endpoint = new Uri("http://127.0.0.1:9/never");
        await using var b = AlarmServices.Create(_db.DataSource);
        await using var c = AlarmServices.Create(_db.DataSource);
        var dead = new List<Guid>();
        var live = new List<Guid>();
        for (var round = 0; round < 5; round++)
        {
            var a = AlarmServices.Create(_db.DataSource);
            var ofA = Deliveries(endpoint, 200, seqFrom: round * 1_000);
            var ofB = Deliveries(endpoint, 50, seqFrom: round * 1_000 + 500);
            await a.Store.RecordAsync(ofA);
            await b.Store.RecordAsync(ofB);
            dead.AddRange(ofA.Select(d => d.Id!.Value));
            live.AddRange(ofB.Select(d => d.Id!.Value));

            // A alive: nobody takes its rows, nor B's.
            Assert.Empty(await c.Store.AdoptAsync());
            Assert.Empty(await b.Store.AdoptAsync());

            await a.DisposeAsync();
            var adopted = await Task.WhenAll(b.Store.AdoptAsync(), c.Store.AdoptAsync(), b.Store.AdoptAsync(), c.Store.AdoptAsync());

            var ids = adopted.SelectMany(x => x).Select(x => x.Delivery.Id!.Value).ToList();
            Assert.Equal(ids.Count, ids.Distinct().Count()); // never adopted twice
            Assert.Equal(ofA.Select(d => d.Id!.Value).Order(), ids.Order()); // every dead row, and only those
            Assert.All(adopted.SelectMany(x => x), x => Assert.NotNull(x.PreviousOwner));
            Assert.All(adopted, x => Assert.Equal(x.Select(d => d.Delivery.Seq).Order(), x.Select(d => d.Delivery.Seq))); // feed order
        }

        // Every dead row now belongs to one of the live nodes; B's own rows are still B's.
        var owners = await OwnersAsync();
        var bId = await b.Node.IdAsync(CancellationToken.None);
        var cId = await c.Node.IdAsync(CancellationToken.None);
        Assert.All(dead, id => Assert.True(owners[id] == bId || owners[id] == cId, $"row {id} owned by {owners[id]}"));
        Assert.All(live, id => Assert.Equal(bId, owners[id]));
    }

    [Fact]
    public async Task GivenRowsWithoutOwner_WhenTwoNodesAdopt_ThenEachIsTakenOnce()
    {
        var endpoint = new Uri("http://127.0.0.1:9/never");
        await using var a = AlarmServices.Create(_db.DataSource);
        await using var b = AlarmServices.Create(_db.DataSource);
        var rows = Deliveries(endpoint, 300, seqFrom: 1);
        await a.Store.RecordAsync(rows);
        // As rows written before migration 0009 are.
        await using (var clear = _db.DataSource.CreateCommand("UPDATE doctor.webhook_deliveries SET owner_node = NULL"))
            await clear.ExecuteNonQueryAsync();

        var adopted = await Task.WhenAll(a.Store.AdoptAsync(), b.Store.AdoptAsync());

        var ids = adopted.SelectMany(x => x).Select(x => x.Delivery.Id!.Value).ToList();
        Assert.Equal(rows.Select(d => d.Id!.Value).Order(), ids.Order());
        Assert.All(adopted.SelectMany(x => x), x => Assert.Null(x.PreviousOwner));
    }

    [Fact]
    public async Task GivenADeadNodesPendingDeliveries_WhenASurvivorSweeps_ThenTheyArriveInFeedOrderWithTheirEventIds_AndAreCounted()
    {
        await using var listener = await WebhookListener.StartAsync();
        var rows = Deliveries(listener.Url("/adopted"), 40, seqFrom: 1);
        var a = AlarmServices.Create(_db.DataSource);
        await a.Store.RecordAsync(rows);
        await using var b = AlarmServices.Create(_db.DataSource);
        await b.Recovery.EnsureRecoveredAsync(CancellationToken.None);
        Assert.Equal(0, b.Counters.Adopted); // A alive

        await a.DisposeAsync();
        Assert.Equal(rows.Count, await b.Recovery.AdoptAsync(CancellationToken.None));
        await b.WhenIdleAsync();

        var posts = await listener.WaitForAcceptedAsync("/adopted", rows.Count);
        Assert.Equal(rows.Select(r => r.EventId), posts.Select(p => p.EventId));
        Assert.Equal(rows.Count, b.Counters.Adopted);
        Assert.Equal(0, await b.Recovery.AdoptAsync(CancellationToken.None));
        foreach (var row in rows)
            Assert.Equal(StoredDelivery.Delivered, (await b.Store.GetAsync(row.Id!.Value))!.Status);
    }

    private static List<WebhookDelivery> Deliveries(Uri endpoint, int count, long seqFrom) => PendingDeliveries.Make(endpoint, count, seqFrom, "test:adoption");

    private async Task<Dictionary<Guid, int?>> OwnersAsync()
    {
        await using var command = _db.DataSource.CreateCommand("SELECT id, owner_node FROM doctor.webhook_deliveries");
        await using var reader = await command.ExecuteReaderAsync();
        var owners = new Dictionary<Guid, int?>();
        while (await reader.ReadAsync())
            owners[reader.GetGuid(0)] = reader.IsDBNull(1) ? null : reader.GetInt32(1);
        return owners;
    }
}
