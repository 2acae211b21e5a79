using System.Collections.Concurrent;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Infrastructure;
using Doctor.Workflows.Infrastructure.Simulated;

namespace Doctor.Tests.Infrastructure.Simulated;

/// <summary>
/// The simulated cloud kept in PostgreSQL (<c>Doctor:Simulated:Store = postgres</c>): each "node" here is its own
/// <see cref="SimulatedCloud"/> object on the same database, as two service processes (or one process before and
/// after a crash) would have.
/// </summary>
public sealed class PersistedSimulatedCloudTests : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await EventStoreSchema.MigrateAsync(_db.DataSource);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private SimulatedCloud Node(string topology = SimulatedTopologies.EmptyName, int latencyMs = 0, TimeProvider? time = null) =>
        new(new SimulatedCloudOptions { Topology = topology, ActionLatencyMs = latencyMs, Store = SimulatedCloudOptions.PostgresStore }, _db.DataSource, time);

    private static SimulatedCloud Seeded(SimulatedCloud cloud)
    {
        cloud.Seed(
            [new SimulatedHostSeed("compute-0", 8), new SimulatedHostSeed("compute-1", 8), new SimulatedHostSeed("compute-2", 4)],
            [TestClouds.Vm("vm-a", "compute-0", 2), TestClouds.Vm("vm-b", "compute-0", 2, project: "p2", floatingIp: "10.0.0.5")]);
        return cloud;
    }

    [Fact]
    public async Task GivenAChangedCloud_WhenANewProcessStartsOnTheSameDatabase_ThenItFindsTheCloudAsItWasNotTheSeedTopology()
    {
        var before = Seeded(Node());
        await before.SetComputeEnabledAsync("compute-1", false, "maintenance");
        await before.MigrateAsync("vm-a", live: true);
        before.InjectFailure("migrate", "vm-b");

        // The configured topology (doctor-test) seeds only an empty database.
        var after = Node(SimulatedTopologies.DoctorTestName);

        Assert.Equal(before.Snapshot(), after.Snapshot(), SnapshotComparer.Instance);
        Assert.Equal("compute-2", (await after.GetInstanceAsync("vm-a"))!.Host);
        Assert.False((await after.ListHostsAsync()).Single(h => h.Name == "compute-1").ComputeEnabled);
        var failure = await Assert.ThrowsAsync<InfrastructureActionFailedException>(() => after.MigrateAsync("vm-b", live: false));
        Assert.Equal(SimulatedCloud.InjectedFailureReason, failure.Reason);
        Assert.Empty(before.Snapshot().PendingFailures); // used up once, for both nodes
    }

    [Fact]
    public async Task GivenAnEmptyDatabase_WhenTwoNodesStart_ThenTheConfiguredTopologySeedsItOnce()
    {
        var a = Node(SimulatedTopologies.DoctorTestName);
        var b = Node(SimulatedTopologies.DoctorTestName);
        var host = (await a.ListHostsAsync())[0].Name;
        await a.SetHostStateAsync(host, "maintenance");

        Assert.Equal("maintenance", (await b.ListHostsAsync())[0].State);
        Assert.Equal(a.Snapshot(), b.Snapshot(), SnapshotComparer.Instance);
    }

    [Fact]
    public async Task GivenTwoNodes_WhenBothCreateInParallelOnATightCloud_ThenCapacityIsNeverOverbooked()
    {
        var a = Node();
        a.Seed([new SimulatedHostSeed("compute-0", 10), new SimulatedHostSeed("compute-1", 10)], []);
        var b = Node();
        var created = new ConcurrentBag<string>();
        var refused = 0;

        await Parallel.ForEachAsync(Enumerable.Range(0, 30), new ParallelOptions { MaxDegreeOfParallelism = 6 }, (n, _) =>
        {
            try
            {
                created.Add((n % 2 == 0 ? a : b).CreateInstance("p1", $"vm-{n}", 1).Id);
            }
            catch (InfrastructureActionFailedException)
            {
                Interlocked.Increment(ref refused);
            }
            return ValueTask.CompletedTask;
        });

        Assert.Equal(20, created.Count);
        Assert.Equal(10, refused);
        var snapshot = Node().Snapshot();
        Assert.All(snapshot.Hosts, h => Assert.Equal(10, h.VcpusUsed));
        Assert.Equal(created.Order(), snapshot.Instances.Select(i => i.Id).Order());
    }

    [Fact]
    public async Task GivenParallelMigrationsFromTwoNodes_ThenEveryMoveIsCountedOnceAndTheAccountingHolds()
    {
        var a = Node(latencyMs: 1);
        a.Seed(Enumerable.Range(0, 4).Select(i => new SimulatedHostSeed($"compute-{i}", 16)).ToArray(),
            Enumerable.Range(0, 16).Select(i => TestClouds.Vm($"vm-{i:D2}", $"compute-{i % 4}")).ToArray());
        var b = Node(latencyMs: 1);
        var movesSeen = 0;
        a.Changed += c => { if (c.Kind == InfrastructureChange.InstanceMoved) Interlocked.Increment(ref movesSeen); };
        b.Changed += c => { if (c.Kind == InfrastructureChange.InstanceMoved) Interlocked.Increment(ref movesSeen); };
        var migrated = 0;

        await Parallel.ForEachAsync(Enumerable.Range(0, 80), new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (n, ct) =>
        {
            try
            {
                await (n % 2 == 0 ? a : b).MigrateAsync($"vm-{n % 16:D2}", live: true, ct);
                Interlocked.Increment(ref migrated);
            }
            catch (InfrastructureActionFailedException)
            {
                // Already migrating (started by the other node): a legitimate answer.
            }
        });

        Assert.True(migrated > 0);
        Assert.Equal(migrated, Volatile.Read(ref movesSeen));
        var snapshot = Node().Snapshot();
        Assert.All(snapshot.Instances, i => Assert.Equal(SimulatedCloud.StatusActive, i.Status));
        foreach (var host in snapshot.Hosts)
            Assert.Equal(snapshot.Instances.Where(i => i.Host == host.Name).Sum(i => i.Vcpus), host.VcpusUsed);
    }

    [Fact]
    public async Task GivenAMigrationUnderWay_WhenItsCallerDies_ThenTheCloudFinishesItOnceItIsDue()
    {
        var time = new ManualTimeProvider();
        var dying = Seeded(Node(latencyMs: 5_000, time: time));
        var migration = dying.MigrateAsync("vm-a", live: true, CancellationToken.None);
        Assert.Equal(SimulatedCloud.StatusMigrating, (await dying.GetInstanceAsync("vm-a"))!.Status);

        // The "dead" node never wakes up (its time never moves); the other node's does.
        var otherTime = new ManualTimeProvider();
        var survivor = Node(latencyMs: 5_000, time: otherTime);
        Assert.Equal(SimulatedCloud.StatusMigrating, (await survivor.GetInstanceAsync("vm-a"))!.Status);
        otherTime.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(SimulatedCloud.StatusMigrating, (await survivor.GetInstanceAsync("vm-a"))!.Status); // its caller may still be at it
        otherTime.Advance(TimeSpan.FromSeconds(10));

        var moved = await survivor.GetInstanceAsync("vm-a");
        Assert.Equal(SimulatedCloud.StatusActive, moved!.Status);
        Assert.Equal("compute-1", moved.Host);
        var snapshot = survivor.Snapshot();
        Assert.Equal(2, snapshot.Hosts.Single(h => h.Name == "compute-1").VcpusUsed);
        Assert.Equal(2, snapshot.Hosts.Single(h => h.Name == "compute-0").VcpusUsed);

        // Had the first node lived on, it would find its migration done and say so.
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal("compute-1", (await migration).Host);
        Assert.False(migration.IsFaulted);
    }

    [Fact]
    public async Task GivenAChange_ThenChangedFiresOnTheNodeThatMadeIt()
    {
        var a = Seeded(Node());
        var b = Node();
        var onA = new ChangeRecorder(a);
        var onB = new ChangeRecorder(b);

        await a.SetHostStateAsync("compute-2", "maintenance");

        Assert.Equal([new InfrastructureChange(InfrastructureChange.HostUpdated, null, "compute-2", null)], onA.Changes);
        Assert.Empty(onB.Changes); // documented: other nodes read the new state, they are not told (docs/scale-out.md)
        Assert.Equal("maintenance", (await b.ListHostsAsync()).Single(h => h.Name == "compute-2").State);
    }

    [Fact]
    public async Task GivenABadSeed_ThenNothingIsWrittenAndTheStoredCloudStays()
    {
        var a = Seeded(Node());
        var before = a.Snapshot();

        Assert.Throws<SimulatedCloudValidationException>(() => a.Seed([new SimulatedHostSeed("x", 1), new SimulatedHostSeed("x", 1)], []));

        Assert.Equal(before, Node().Snapshot(), SnapshotComparer.Instance);
    }

    /// <summary>Snapshots compare by content (records hold lists, which compare by reference).</summary>
    private sealed class SnapshotComparer : IEqualityComparer<SimulatedCloudSnapshot>
    {
        public static readonly SnapshotComparer Instance = new();

        public bool Equals(SimulatedCloudSnapshot? x, SimulatedCloudSnapshot? y) =>
            x is not null && y is not null
            && x.Hosts.SequenceEqual(y.Hosts) && x.Instances.SequenceEqual(y.Instances) && x.PendingFailures.SequenceEqual(y.PendingFailures);

        public int GetHashCode(SimulatedCloudSnapshot obj) => obj.Hosts.Count;
    }
}
