using Doctor.Domain;
using Doctor.Domain.Faults;
using Doctor.Domain.Hosts;

namespace Doctor.Tests.Hosts;

public class PhysicalResourceTests
{
    private const string Host = "compute-0";
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly HostDeclaredDown Declared = new(Host, "i-1", FaultTargets.Host, "policy", T0);
    private static readonly HostForcedDown Forced = new(Host, "i-1", T0.AddMilliseconds(5));

    [Fact]
    public void GivenNothing_ThenNormal_Up_NotForcedDown()
    {
        var state = PhysicalResource.Fold([]);
        Assert.Equal(HostState.Normal, state.State);
        Assert.Equal(HostStatus.Up, state.Status);
        Assert.False(state.ForcedDown);
    }

    [Fact]
    public void GivenNothing_WhenDeclaredDown_ThenHostDeclaredDown_StateDown_StatusDown() =>
        HostSpec.Given().When(new DeclareHostDown(Host, "i-1", FaultTargets.Host, "policy", T0)).Then(Declared);

    [Fact]
    public void GivenDeclaredDown_ThenStateDown_StatusDown_AndItNamesItsIncident()
    {
        var state = PhysicalResource.Fold([Declared]);
        Assert.Equal(HostState.Down, state.State);
        Assert.Equal(HostStatus.Down, state.Status);
        Assert.Equal("i-1", state.OpenIncidentId);
    }

    [Fact]
    public void GivenPortsFenced_ThenStateError_StatusUp()
    {
        var state = PhysicalResource.Fold([new HostDeclaredDown(Host, "i-2", FaultTargets.Ports, "nic", T0)]);
        Assert.Equal(HostState.Error, state.State);
        Assert.Equal(HostStatus.Up, state.Status);
    }

    [Fact]
    public void GivenDeclaredDown_WhenDeclaredDownAgain_ThenRefused_NamingTheOpenIncident()
    {
        var e = HostSpec.Given(Declared).When(new DeclareHostDown(Host, "i-9", FaultTargets.Host, "policy", T0)).ThenRefuses<HostAlreadyDown>(RuleKind.Conflict);
        Assert.Equal("i-1", e.IncidentId);
    }

    [Fact]
    public void GivenDeclaredDown_WhenForceDownConfirmed_ThenHostForcedDown_AndAgainNothing()
    {
        HostSpec.Given(Declared).When(new ConfirmForcedDown(Host, "i-1", Forced.At)).Then(Forced);
        HostSpec.Given(Declared, Forced).When(new ConfirmForcedDown(Host, "i-1", Forced.At.AddSeconds(1))).Then();
        HostSpec.Given(Declared).When(new ConfirmForcedDown(Host, "other", Forced.At)).Then();
    }

    [Fact]
    public void GivenFenced_WhenRecovered_ThenHostRecovered_NamingTheIncident_AndTheHostIsNormalAgain()
    {
        var recovered = new HostRecovered(Host, "i-1", PhysicalResource.ResolvedBy.HostUp, "compute.host.up", T0.AddSeconds(9));
        HostSpec.Given(Declared, Forced).When(new RecoverHost(Host, "i-1", PhysicalResource.ResolvedBy.HostUp, "compute.host.up", recovered.At)).Then(recovered);
        var state = PhysicalResource.Fold([Declared, Forced, recovered]);
        Assert.Equal(HostState.Normal, state.State);
        Assert.False(state.ForcedDown);
        Assert.Null(state.OpenIncidentId);
    }

    [Fact]
    public void GivenANewerIncident_WhenARecoveryOfTheOldOneArrives_ThenNothing() =>
        HostSpec.Given(Declared).When(new RecoverHost(Host, "i-0", PhysicalResource.ResolvedBy.Reconciled, "late", T0)).Then();

    [Fact]
    public void GivenNormal_WhenRecovered_ThenNothing() =>
        HostSpec.Given().When(new RecoverHost(Host, null, PhysicalResource.ResolvedBy.Api, "force-down unset", T0)).Then();

    [Fact]
    public void GivenHeldByASession_WhenDownThenRecovered_ThenBackInMaintenance_NotNormal()
    {
        var held = new HostHeldForMaintenance(Host, "s-1", T0);
        var state = PhysicalResource.Fold([held, Declared with { At = T0.AddSeconds(1) },
            new HostRecovered(Host, "i-1", PhysicalResource.ResolvedBy.Api, "state normal", T0.AddSeconds(2))]);
        Assert.Equal(HostState.Maintenance, state.State);
        Assert.Equal(HostStatus.Maintenance, state.Status);
    }

    [Fact]
    public void GivenHeld_WhenHeldAgainBySameSession_ThenNothing_AndReleasedByAnotherSession_ThenNothing()
    {
        var held = new HostHeldForMaintenance(Host, "s-1", T0);
        HostSpec.Given(held).When(new HoldForMaintenance(Host, "s-1", T0.AddSeconds(1))).Then();
        HostSpec.Given(held).When(new ReleaseFromMaintenance(Host, "s-2", T0.AddSeconds(1))).Then();
        HostSpec.Given(held).When(new ReleaseFromMaintenance(Host, "s-1", T0.AddSeconds(1))).Then(new HostReleasedFromMaintenance(Host, "s-1", T0.AddSeconds(1)));
        Assert.Equal(HostState.Normal, PhysicalResource.Fold([held, new HostReleasedFromMaintenance(Host, "s-1", T0.AddSeconds(1))]).State);
    }

    [Fact]
    public void GivenTheCloudShowsMaintenance_WhenObserved_ThenHeldUnderTheCloud_AndLetGoWhenItShowsItBack()
    {
        var cloudHeld = new HostHeldForMaintenance(Host, PhysicalResource.CloudHold, T0);
        HostSpec.Given().When(new ObserveHost(Host, ObservedInMaintenance: true, T0)).Then(cloudHeld);
        HostSpec.Given(cloudHeld).When(new ObserveHost(Host, ObservedInMaintenance: true, T0.AddSeconds(1))).Then();
        HostSpec.Given(cloudHeld).When(new ObserveHost(Host, ObservedInMaintenance: false, T0.AddSeconds(1)))
            .Then(new HostReleasedFromMaintenance(Host, PhysicalResource.CloudHold, T0.AddSeconds(1)));
        // A session's hold is the session's to end, whatever the cloud shows meanwhile.
        HostSpec.Given(new HostHeldForMaintenance(Host, "s-1", T0)).When(new ObserveHost(Host, ObservedInMaintenance: false, T0.AddSeconds(1))).Then();
    }

    [Fact]
    public void GivenNothing_WhenAdminSetsMaintenanceThenNormal_ThenMaintenanceThenNormal_AndRepeatingChangesNothing()
    {
        var maintenance = new HostStateChanged(Host, HostState.Maintenance, "api", T0);
        HostSpec.Given().When(new ChangeHostState(Host, HostState.Maintenance, "api", T0)).Then(maintenance);
        HostSpec.Given(maintenance).When(new ChangeHostState(Host, HostState.Maintenance, "api", T0)).Then();
        Assert.Equal(HostState.Maintenance, PhysicalResource.Fold([maintenance]).State);
        var normal = new HostStateChanged(Host, HostState.Normal, "api", T0.AddSeconds(1));
        HostSpec.Given(maintenance).When(new ChangeHostState(Host, HostState.Normal, "api", normal.At)).Then(normal);
        HostSpec.Given().When(new ChangeHostState(Host, HostState.Normal, "api", T0)).Then();
        Assert.Equal(HostState.Normal, PhysicalResource.Fold([maintenance, normal]).State);
    }

    [Fact]
    public void GivenAnything_WhenAdminSetsDownDirectly_ThenRefused_DownOpensAnIncident() =>
        HostSpec.Given().When(new ChangeHostState(Host, HostState.Down, "api", T0)).ThenRefuses<HostStateNotChangeable>(RuleKind.Invalid);

    [Fact]
    public void GivenMetadata_WhenTheSameIsSet_ThenNothing_AndOtherIsRecorded()
    {
        var set = new HostMetadataChanged(Host, """{"rack":"r1"}""", T0);
        HostSpec.Given().When(new SetHostMetadata(Host, """{"rack":"r1"}""", T0)).Then(set);
        HostSpec.Given(set).When(new SetHostMetadata(Host, """{"rack":"r1"}""", T0)).Then();
        HostSpec.Given(set).When(new SetHostMetadata(Host, null, T0)).Then(new HostMetadataChanged(Host, null, T0));
    }

    [Theory]
    [InlineData(true, false, 10, true)]    // up, not forced down, seen after the fence: stale
    [InlineData(true, false, -10, false)]  // a listing taken before the fence says nothing of the host's return
    [InlineData(false, false, 10, false)]  // the cloud still shows it down
    [InlineData(true, true, 10, false)]    // still forced down
    public void GivenFenced_ThenStaleOnlyWhenTheCloudShowsItBackAfterTheFence(bool up, bool forcedDown, int observedMsAfterFence, bool stale) =>
        Assert.Equal(stale, PhysicalResource.Fold([Declared, Forced]).IsStaleGiven(up, forcedDown, Forced.At.AddMilliseconds(observedMsAfterFence)));

    [Fact]
    public void GivenDeclaredButNotYetForcedDown_ThenNeverStale_FencingIsStillOnItsWay() =>
        Assert.False(PhysicalResource.Fold([Declared]).IsStaleGiven(true, false, T0.AddHours(1)));

    [Fact]
    public void GivenPortsFenced_ThenNeverStale_TheHostWasNeverForcedDown() =>
        Assert.False(PhysicalResource.Fold([new HostDeclaredDown(Host, "i-2", FaultTargets.Ports, "nic", T0)]).IsStaleGiven(true, false, T0.AddHours(1)));
}
