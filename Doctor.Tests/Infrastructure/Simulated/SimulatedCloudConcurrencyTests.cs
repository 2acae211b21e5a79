using System.Collections.Concurrent;
using Doctor.Workflows.Infrastructure;
using Doctor.Workflows.Infrastructure.Simulated;

namespace Doctor.Tests.Infrastructure.Simulated;

public class SimulatedCloudConcurrencyTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task ParallelMigrationsCreatesAndDeletes_KeepVcpuAccountingAndIndexesConsistent(int latencyMs)
    {
        var hosts = Enumerable.Range(0, 8).Select(i => new SimulatedHostSeed($"compute-{i}", 16)).ToArray();
        var instances = Enumerable.Range(0, 64)
            .Select(i => new SimulatedInstanceSeed($"vm-{i:D3}", $"vm-{i:D3}", $"compute-{i % 8}", $"p{i % 3}", 1 + i / 8 % 2))
            .ToArray();
        var cloud = new SimulatedCloud(new SimulatedCloudOptions { Topology = "empty", ActionLatencyMs = latencyMs });
        cloud.Seed(hosts, instances);
        var moves = 0;
        cloud.Changed += c =>
        {
            if (c.Kind == InfrastructureChange.InstanceMoved)
                Interlocked.Increment(ref moves);
        };
        var migrated = 0;
        var created = new ConcurrentBag<string>();

        await Parallel.ForEachAsync(Enumerable.Range(0, 600), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (n, ct) =>
        {
            try
            {
                switch (n % 6)
                {
                    case 0:
                        created.Add(cloud.CreateInstance($"p{n % 3}", $"new-{n}", 1 + n % 2).Id);
                        break;
                    case 1 when created.TryTake(out var id):
                        cloud.DeleteInstance(id);
                        break;
                    default:
                        await cloud.MigrateAsync($"vm-{n % 64:D3}", live: n % 2 == 0, ct);
                        Interlocked.Increment(ref migrated);
                        break;
                }
            }
            catch (InfrastructureActionFailedException)
            {
                // No room, or the instance is already migrating: both are legitimate answers under contention.
            }
        });

        var snapshot = cloud.Snapshot();
        Assert.True(migrated > 0);
        Assert.Equal(migrated, moves);
        Assert.All(snapshot.Instances, i => Assert.Equal("ACTIVE", i.Status));
        foreach (var host in snapshot.Hosts)
        {
            var onHost = snapshot.Instances.Where(i => i.Host == host.Name).ToList();
            Assert.Equal(onHost.Sum(i => i.Vcpus), host.VcpusUsed);
            Assert.InRange(host.VcpusUsed, 0, host.Vcpus);
            Assert.Equal(onHost.Select(i => i.Id), (await cloud.ListInstancesAsync(host: host.Name)).Select(i => i.Id));
        }
        var byProject = new List<ServerInstance>();
        foreach (var project in new[] { "p0", "p1", "p2" })
            byProject.AddRange(await cloud.ListInstancesAsync(projectId: project));
        Assert.Equal(snapshot.Instances.Select(i => i.Id).Order(), byProject.Select(i => i.Id).Order());
        Assert.Equal(64, snapshot.Instances.Count(i => i.Id.StartsWith("vm-", StringComparison.Ordinal)));
    }
}
