using Doctor.Workflows.Infrastructure.Simulated;

namespace Doctor.Tests.Infrastructure.Simulated;

/// <summary>Small clouds for tests: hosts given by name and vCPUs, instances placed by hand.</summary>
internal static class TestClouds
{
    public static SimulatedCloud WithHosts(params (string Name, int Vcpus)[] hosts) =>
        Seeded(hosts, []);

    public static SimulatedCloud Seeded((string Name, int Vcpus)[] hosts, SimulatedInstanceSeed[] instances, SimulatedCloudOptions? options = null, TimeProvider? time = null)
    {
        var cloud = new SimulatedCloud(options ?? new SimulatedCloudOptions { Topology = SimulatedTopologies.EmptyName }, time);
        cloud.Seed(hosts.Select(h => new SimulatedHostSeed(h.Name, h.Vcpus)).ToArray(), instances);
        return cloud;
    }

    public static SimulatedInstanceSeed Vm(string id, string host, int vcpus = 1, string project = "p1", string? floatingIp = null) =>
        new(id, id, host, project, vcpus, floatingIp);
}
