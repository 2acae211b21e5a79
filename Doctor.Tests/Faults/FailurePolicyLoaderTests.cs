using Doctor.Domain.Faults;
using Doctor.Workflows.Engine;
using Doctor.Workflows.Faults;

namespace Doctor.Tests.Faults;

public class FailurePolicyLoaderTests
{
    [Fact]
    public void ShippedPolicy_Loads_HostDownFences_DiskErrorAggregates_HostUpRecovers()
    {
        var file = Path.Combine(WorkflowsDirectory.Resolve(null), "policies", "failure-policy.json");

        var policy = FailurePolicyLoader.LoadFile(file);

        var none = new Dictionary<string, string?>();
        Assert.Equal(FaultAction.Fence, policy.RuleFor("compute.host.down", none).Action);
        Assert.Equal(4, policy.RuleFor("compute.host.down", none).Severity);
        Assert.Equal(FaultAction.Aggregate, policy.RuleFor("compute.host.disk.error", none).Action);
        Assert.Equal(FaultAction.Recover, policy.RuleFor("compute.host.up", none).Action);
        Assert.Equal(FaultAction.Record, policy.RuleFor("something.else", none).Action);
        Assert.False(policy.NotifyInMaintenance);
    }

    [Fact]
    public void NicError_FencesPortsOnlyOnTheDataPlaneNic()
    {
        var policy = FailurePolicyLoader.LoadFile(Path.Combine(WorkflowsDirectory.Resolve(null), "policies", "failure-policy.json"));

        var dataPlane = policy.RuleFor("compute.host.nic.error", new Dictionary<string, string?> { ["nic"] = "data-plane" });
        var management = policy.RuleFor("compute.host.nic.error", new Dictionary<string, string?> { ["nic"] = "management" });

        Assert.Equal((FaultAction.Fence, FaultRule.AffectsPorts), (dataPlane.Action, dataPlane.Affects));
        Assert.Equal(FaultAction.Record, management.Action);
    }

    [Theory]
    [InlineData("""{"types": {"x": {"action": "explode"}}}""", "policy.json: $.types['x'].action: unknown action 'explode'")]
    [InlineData("""{"types": {"x": {}}}""", "policy.json: $.types['x'].action: required")]
    [InlineData("""{"types": {"x": {"action": "fence", "severity": "awful"}}}""", "policy.json: $.types['x'].severity: unknown severity")]
    [InlineData("""{"types": {"x": {"action": "fence", "affects": "rack"}}}""", "policy.json: $.types['x'].affects: must be one of host, ports")]
    [InlineData("""{"aggregation": {"failures": 0}, "types": {}}""", "policy.json: $.aggregation.failures: must be a whole number of 1 or more")]
    [InlineData("""{"aggregation": {"window": "soon"}, "types": {}}""", "policy.json: $.aggregation.window: must be an ISO 8601 duration")]
    [InlineData("""{"notify_in_maintenance": "yes", "types": {}}""", "policy.json: $.notify_in_maintenance: must be true or false")]
    [InlineData("""{}""", "policy.json: $.types: required")]
    [InlineData("""[1]""", "policy.json: $: must be an object")]
    [InlineData("""{"types": """, "policy.json: $ (line")]
    [InlineData("""{"types": {}, "default": {"action": "recover"}}""", "policy.json: $.default.action: the default rule cannot recover")]
    public void BadPolicy_FailsNamingFileAndPath(string json, string expected)
    {
        var e = Assert.Throws<FailurePolicyException>(() => FailurePolicyLoader.Load("/etc/doctor/policy.json", json));
        Assert.StartsWith(expected, e.Message);
    }
}
