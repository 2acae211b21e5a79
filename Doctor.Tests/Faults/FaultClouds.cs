using Doctor.Workflows.Infrastructure.Simulated;

namespace Doctor.Tests.Faults;

/// <summary>Simulated clouds for fault tests: <c>compute-0..n-1</c>, each with its VMs spread over owner projects.</summary>
public static class FaultClouds
{
    /// <summary>VM ids are <c>vm-{host}-{i}</c>, owners <c>project-{i % owners}</c>.</summary>
    public static SimulatedCloud Create(int hosts, int vmsPerHost, int owners)
    {
        var cloud = new SimulatedCloud();
        var hostSeeds = Enumerable.Range(0, hosts).Select(h => new SimulatedHostSeed($"compute-{h}", Math.Max(4, vmsPerHost * 2))).ToList();
        var instances = new List<SimulatedInstanceSeed>();
        for (var h = 0; h < hosts; h++)
            for (var i = 0; i < vmsPerHost; i++)
                instances.Add(new SimulatedInstanceSeed($"vm-{h}-{i}", $"vm-{h}-{i}", $"compute-{h}", $"project-{i % owners}", 1));
        cloud.Seed(hostSeeds, instances);
        return cloud;
    }
}
