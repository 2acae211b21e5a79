using Doctor.Domain;
using Doctor.Domain.Faults;

namespace Doctor.Tests.Faults;

public class FaultIncidentTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 10, 0, 0, TimeSpan.Zero);
    private static readonly AffectedInstance[] Vms = [new("vm-1", "p1"), new("vm-2", "p2")];

    private static FaultReceived Received(DateTimeOffset? at = null) =>
        new("i-1", "f-1", "compute.host.down", "compute-0", 4, T0.AddSeconds(-1), "link-down", "inspector", "{}", at ?? T0);

    private static OpenIncident Open(FaultVerdict verdict = FaultVerdict.Fence) =>
        new(Received(), verdict, "host", "policy", [], T0.AddTicks(10), Vms, T0.AddTicks(20));

    private static IFaultEvent[] Opened(FaultVerdict verdict = FaultVerdict.Fence) => [.. FaultIncident.Decide(Open(verdict), IncidentState.Initial)];

    [Fact]
    public void GivenNothing_WhenOpen_ThenReceivedDecidedCorrelated_WithTheirStageTimes() =>
        FaultSpec.Given().When(Open()).Then(
            Received(),
            new PolicyDecided(FaultVerdict.Fence, "host", "policy", [], T0.AddTicks(10)),
            new FaultCorrelated(Vms, T0.AddTicks(20)));

    [Theory]
    [InlineData(FaultVerdict.Recorded)]
    [InlineData(FaultVerdict.Counted)]
    [InlineData(FaultVerdict.Unmatched)]
    [InlineData(FaultVerdict.InMaintenance)]
    public void GivenNothing_WhenOpenWithAVerdictThatFencesNothing_ThenOneFaultRecorded_FoldingLikeTheThreeItStandsFor(FaultVerdict verdict)
    {
        var decision = new PolicyDecided(verdict, "host", "policy", [], T0.AddTicks(10));
        var correlation = new FaultCorrelated(Vms, T0.AddTicks(20));
        FaultSpec.Given().When(Open(verdict)).Then(new FaultRecorded(Received(), decision, correlation));
        var one = FaultIncident.Fold(Opened(verdict));
        var three = FaultIncident.Fold([Received(), decision, correlation]);
        Assert.Equal(IncidentStatus.Recorded, one.Status);
        Assert.Equal(three.Stages, one.Stages);
        Assert.Equal(three.Instances, one.Instances);
        Assert.Equal(three.Verdict, one.Verdict);
    }

    [Fact]
    public void GivenOpened_WhenOpenAgain_ThenRefusedAsConflict() =>
        FaultSpec.Given(Opened()).When(Open()).ThenRefuses<IncidentAlreadyOpened>(RuleKind.Conflict);

    [Fact]
    public void GivenNothing_WhenResolve_ThenRefusedAsNotFound() =>
        FaultSpec.Given().When(new ResolveIncident("compute.host.up", 0, T0)).ThenRefuses<IncidentNotOpen>(RuleKind.NotFound);

    [Fact]
    public void GivenFenced_WhenHostMarked_ThenHostMarkedDown_AndMarkingAgainChangesNothing()
    {
        FaultSpec.Given(Opened()).When(new RecordHostMarked("compute-0", T0.AddMilliseconds(1))).Then(new HostMarkedDown("compute-0", T0.AddMilliseconds(1)));
        FaultSpec.Given([.. Opened(), new HostMarkedDown("compute-0", T0.AddMilliseconds(1))])
            .When(new RecordHostMarked("compute-0", T0.AddMilliseconds(2))).Then();
    }

    [Fact]
    public void GivenFenced_WhenHandedOver_ThenHandoverWithAppendTime() =>
        FaultSpec.Given(Opened()).When(new RecordHandover(3, T0.AddMilliseconds(1), T0.AddMilliseconds(2)))
            .Then(new NotificationsHandedOver(3, T0.AddMilliseconds(1), T0.AddMilliseconds(2)));

    [Fact]
    public void GivenFenced_WhenResolved_ThenResolved_AndSecondResolveChangesNothing()
    {
        FaultSpec.Given(Opened()).When(new ResolveIncident("compute.host.up", 2, T0.AddSeconds(5)))
            .Then(new IncidentResolved("compute.host.up", 2, T0.AddSeconds(5)));
        FaultSpec.Given([.. Opened(), new IncidentResolved("compute.host.up", 2, T0.AddSeconds(5))])
            .When(new ResolveIncident("compute.host.up", 2, T0.AddSeconds(6))).Then();
    }

    [Fact]
    public void GivenRecordedOnly_WhenResolve_ThenRefusedAsConflict() =>
        FaultSpec.Given(Opened(FaultVerdict.Counted)).When(new ResolveIncident("compute.host.up", 0, T0))
            .ThenRefuses<IncidentNotOpen>(RuleKind.Conflict);

    [Fact]
    public void GivenFenced_WhenFaultRepeated_ThenRepeatCounted()
    {
        FaultSpec.Given(Opened()).When(new RecordRepeat("f-2", "compute.host.down", T0, T0.AddSeconds(1)))
            .Then(new FaultRepeated("f-2", "compute.host.down", T0, T0.AddSeconds(1)));
        var state = FaultIncident.Fold([.. Opened(), new FaultRepeated("f-2", "compute.host.down", T0, T0.AddSeconds(1))]);
        Assert.Equal(1, state.Repeats);
    }

    [Fact]
    public void Evolve_RecordsEveryStageInOrder_AndStatusFollowsTheVerdict()
    {
        var state = FaultIncident.Fold([
            .. Opened(),
            new NotificationsHandedOver(2, T0.AddMilliseconds(1), T0.AddMilliseconds(2)),
            new HostMarkedDown("compute-0", T0.AddMilliseconds(3)),
            new InstancesMarkedError(2, [], T0.AddMilliseconds(4)),
            new PortsMarkedDown("compute-0", T0.AddMilliseconds(5)),
        ]);

        Assert.Equal(IncidentStatus.Open, state.Status);
        Assert.Equal(["received", "policy_decided", "correlated", "appended", "notifications_handed_over", "host_marked_down", "instances_marked_error", "ports_marked_down"],
            state.Stages.Select(s => s.Name));
        Assert.Equal(IncidentStatus.Recorded, FaultIncident.Fold(Opened(FaultVerdict.Unmatched)).Status);
    }
}
