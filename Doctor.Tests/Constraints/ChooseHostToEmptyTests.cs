using Doctor.Workflows.Infrastructure;
using Doctor.Workflows.Maintenance.Activities;

namespace Doctor.Tests.Constraints;

public class ChooseHostToEmptyTests
{
    private static ComputeHost Host(string name, int vcpus, int used) => new(name, vcpus, used, ComputeEnabled: true, ForcedDown: false, State: "normal");

    private static ServerInstance Vm(string id, string host, int vcpus = 1) => new(id, id, host, "p1", "ACTIVE", "UP", null, vcpus);

    [Fact]
    public void GivenTheOnlyRoomIsBesideAnAntiAffinityPeer_WhenCheckingTheHost_ThenItCannotBeEmptied()
    {
        var hosts = new[] { Host("h0", 2, 1), Host("h1", 2, 1) };
        var instances = new[] { Vm("aa-0", "h0"), Vm("aa-1", "h1") };
        var groups = new Dictionary<string, string> { ["aa-0"] = "g", ["aa-1"] = "g" };

        Assert.False(ChooseHostToEmpty.CanEmpty("h0", hosts, instances, groups));
        Assert.True(ChooseHostToEmpty.CanEmpty("h0", hosts, instances, new Dictionary<string, string>()));
    }

    [Fact]
    public void GivenRoomOnAHostWithoutPeers_WhenCheckingTheHost_ThenItCanBeEmptied()
    {
        var hosts = new[] { Host("h0", 2, 1), Host("h1", 2, 1), Host("h2", 2, 0) };
        var instances = new[] { Vm("aa-0", "h0"), Vm("aa-1", "h1") };
        var groups = new Dictionary<string, string> { ["aa-0"] = "g", ["aa-1"] = "g" };

        Assert.True(ChooseHostToEmpty.CanEmpty("h0", hosts, instances, groups));
    }

    [Fact]
    public void GivenTooLittleRoomElsewhere_WhenCheckingTheHost_ThenItCannotBeEmptied()
    {
        var hosts = new[] { Host("h0", 4, 3), Host("h1", 4, 2) };
        var instances = new[] { Vm("big", "h0", 3), Vm("x", "h1", 2) };

        Assert.False(ChooseHostToEmpty.CanEmpty("h0", hosts, instances, new Dictionary<string, string>()));
    }
}
