using Doctor.Domain.Faults;
using Doctor.Domain.Hosts;

namespace Doctor.Tests.Faults;

/// <summary>Given the host's state and the rule, when an event is assessed, then this verdict (DESIGN.md §8).</summary>
public class FailurePolicyVerdictTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly PhysicalResourceState Normal = PhysicalResourceState.Initial with { Host = "compute-0" };
    private static readonly PhysicalResourceState Fenced = PhysicalResource.Fold([new HostDeclaredDown("compute-0", "i-1", FaultTargets.Host, "policy", T0)]);
    private static readonly PhysicalResourceState Held = PhysicalResource.Fold([new HostHeldForMaintenance("compute-0", "s-1", T0)]);

    private static FaultAssessment Assess(FaultAction action, PhysicalResourceState? host = null, bool known = true, bool explicitCommand = false,
        bool observedInMaintenance = false, bool notifyInMaintenance = false, string affects = FaultTargets.Host) =>
        new("compute.host.down", action, affects, known ? "compute-0" : "ghost", known, host ?? Normal, observedInMaintenance, explicitCommand, notifyInMaintenance);

    private static PolicyOutcome.Decided Decided(PolicyOutcome outcome) => Assert.IsType<PolicyOutcome.Decided>(outcome);

    [Fact]
    public void GivenANormalHost_WhenAFencingFault_ThenFence()
    {
        var d = Decided(FailurePolicyVerdict.Decide(Assess(FaultAction.Fence)));
        Assert.Equal(FaultVerdict.Fence, d.Verdict);
        Assert.Equal("policy: compute.host.down makes the host unavailable", d.Reason);
    }

    [Fact]
    public void GivenAFencedHost_WhenAFencingFault_ThenARepeatOfItsIncident() =>
        Assert.Equal(new PolicyOutcome.Repeat("i-1"), FailurePolicyVerdict.Decide(Assess(FaultAction.Fence, Fenced)));

    [Fact]
    public void GivenAFencedHost_WhenARecordOnlyFault_ThenRecorded_NotARepeat() =>
        Assert.Equal(FaultVerdict.Recorded, Decided(FailurePolicyVerdict.Decide(Assess(FaultAction.Record, Fenced))).Verdict);

    [Fact]
    public void GivenAnUnknownHost_WhenAnyFault_ThenUnmatched_NamingTheHost()
    {
        var d = Decided(FailurePolicyVerdict.Decide(Assess(FaultAction.Fence, known: false)));
        Assert.Equal(FaultVerdict.Unmatched, d.Verdict);
        Assert.Equal("host ghost is not known to the resource map", d.Reason);
    }

    [Fact]
    public void GivenAHostHeldForMaintenance_WhenAFencingFault_ThenInMaintenance_OwnersToldOnlyIfThePolicySays()
    {
        var quiet = Decided(FailurePolicyVerdict.Decide(Assess(FaultAction.Fence, Held)));
        Assert.Equal(FaultVerdict.InMaintenance, quiet.Verdict);
        Assert.False(quiet.Notify);
        Assert.True(Decided(FailurePolicyVerdict.Decide(Assess(FaultAction.Fence, Held, notifyInMaintenance: true))).Notify);
    }

    [Fact]
    public void GivenTheCloudShowsMaintenance_WhenAFencingFault_ThenInMaintenance() =>
        Assert.Equal(FaultVerdict.InMaintenance, Decided(FailurePolicyVerdict.Decide(Assess(FaultAction.Fence, observedInMaintenance: true))).Verdict);

    [Fact]
    public void GivenAHostHeldForMaintenance_WhenTheAdminOrdersItDown_ThenFence() =>
        Assert.Equal(FaultVerdict.Fence, Decided(FailurePolicyVerdict.Decide(Assess(FaultAction.Fence, Held, explicitCommand: true))).Verdict);

    [Fact]
    public void GivenAnyHost_WhenARecoverType_ThenRecover() =>
        Assert.IsType<PolicyOutcome.Recover>(FailurePolicyVerdict.Decide(Assess(FaultAction.Recover, Fenced)));

    [Fact]
    public void GivenANormalHost_WhenANonCriticalFault_ThenCountIt_BelowTheThresholdCounted_AtItFenceTheWholeHost()
    {
        var assessment = Assess(FaultAction.Aggregate, affects: FaultTargets.Ports);
        Assert.IsType<PolicyOutcome.Aggregate>(FailurePolicyVerdict.Decide(assessment));
        Assert.Equal(FaultVerdict.Counted, FailurePolicyVerdict.Aggregated(assessment, null, 2, TimeSpan.FromMinutes(1)).Verdict);
        var fenced = FailurePolicyVerdict.Aggregated(assessment, ["f-0"], 2, TimeSpan.FromMinutes(1));
        Assert.Equal(FaultVerdict.Fence, fenced.Verdict);
        Assert.Equal(FaultTargets.Host, fenced.Affects);
        Assert.Equal(["f-0"], fenced.CorrelatedFaultIds);
    }

    [Fact]
    public void GivenARecordOnlyRule_WhenAFault_ThenRecorded() =>
        Assert.Equal(FaultVerdict.Recorded, Decided(FailurePolicyVerdict.Decide(Assess(FaultAction.Record))).Verdict);
}
