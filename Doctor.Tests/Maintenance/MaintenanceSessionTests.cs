using Doctor.Domain;
using Doctor.Domain.Maintenance;
using static Doctor.Tests.Maintenance.SessionHistory;

namespace Doctor.Tests.Maintenance;

public class MaintenanceSessionTests
{
    private static readonly DateTimeOffset T1 = T0.AddSeconds(10);

    [Fact]
    public void GivenNothing_WhenCreate_ThenSessionCreatedAndInitialStateEntered() =>
        DeciderSpec.Given()
            .When(new CreateSession(Sid, "default", 1, ["compute-0", "compute-1", "compute-2"], MaintenanceAt, "fenix", "{}", [], SubscriptionPolicy.RequireSubscription, "MAINTENANCE", T0))
            .Then(Created(), new StateEntered("MAINTENANCE", 1, null, "session created", T0));

    [Fact]
    public void GivenCreated_WhenCreateAgain_ThenRefusedAsConflict() =>
        DeciderSpec.Given(Created(), Entered("MAINTENANCE", 1))
            .When(new CreateSession(Sid, "default", 1, ["compute-0"], MaintenanceAt, "fenix", "{}", [], SubscriptionPolicy.Proceed, "MAINTENANCE", T0))
            .ThenRefuses<SessionRuleViolation>(RuleKind.Conflict);

    [Fact]
    public void GivenNothing_WhenCreateWithHostTwice_ThenRefusedAsInvalid() =>
        DeciderSpec.Given()
            .When(new CreateSession(Sid, "default", 1, ["a", "a"], MaintenanceAt, "fenix", "{}", [], SubscriptionPolicy.Proceed, "MAINTENANCE", T0))
            .ThenRefuses<SessionRuleViolation>(RuleKind.Invalid);

    [Fact]
    public void GivenWindowOpen_WhenProjectAcks_ThenReplyReceived() =>
        DeciderSpec.Given(Created(), Entered("MAINTENANCE", 1), Window(1, "MAINTENANCE", Project("p1", "vm1")))
            .When(new RecordReply("p1", "ACK_MAINTENANCE", NoActions(), T1))
            .Then(new ReplyReceived("p1", "ACK_MAINTENANCE", 1, NoActions(), T1));

    [Fact]
    public void GivenInScaleIn_WhenReplyForMaintenance_ThenRefusedNamingBothStates()
    {
        var e = DeciderSpec.Given(Created(), Entered("MAINTENANCE", 1), Entered("SCALE_IN", 2, "MAINTENANCE"), Window(2, "SCALE_IN", Project("p1", "vm1")))
            .When(new RecordReply("p1", "ACK_MAINTENANCE", NoActions(), T1))
            .ThenRefuses<ReplyOutOfPhase>(RuleKind.Conflict);
        Assert.Contains("ACK_MAINTENANCE", e.Message);
        Assert.Contains("SCALE_IN", e.Message);
    }

    [Fact]
    public void GivenWindowOpen_WhenUnknownProjectReplies_ThenRefusedAsNotFound() =>
        DeciderSpec.Given(Created(), Entered("MAINTENANCE", 1), Window(1, "MAINTENANCE", Project("p1", "vm1")))
            .When(new RecordReply("intruder", "ACK_MAINTENANCE", NoActions(), T1))
            .ThenRefuses<ProjectNotInSession>(RuleKind.NotFound);

    [Fact]
    public void GivenProjectAcked_WhenSameReplyAgain_ThenNothingNew() =>
        DeciderSpec.Given(Created(), Entered("MAINTENANCE", 1), Window(1, "MAINTENANCE", Project("p1", "vm1")),
                new ReplyReceived("p1", "ACK_MAINTENANCE", 1, NoActions(), T1))
            .When(new RecordReply("p1", "ACK_MAINTENANCE", NoActions(), T1.AddSeconds(1)))
            .Then();

    [Fact]
    public void GivenProjectAcked_WhenItNacks_ThenRefusedAsAlreadyReplied() =>
        DeciderSpec.Given(Created(), Entered("MAINTENANCE", 1), Window(1, "MAINTENANCE", Project("p1", "vm1")),
                new ReplyReceived("p1", "ACK_MAINTENANCE", 1, NoActions(), T1))
            .When(new RecordReply("p1", "NACK_MAINTENANCE", NoActions(), T1))
            .ThenRefuses<ReplyAlreadyRecorded>(RuleKind.Conflict);

    [Fact]
    public void GivenWindowPastDeadline_WhenProjectReplies_ThenRefusedAsClosed() =>
        DeciderSpec.Given(Created(), Entered("MAINTENANCE", 1), Window(1, "MAINTENANCE", Project("p1", "vm1")))
            .When(new RecordReply("p1", "ACK_MAINTENANCE", NoActions(), T0.AddMinutes(2)))
            .ThenRefuses<ReplyWindowClosed>(RuleKind.Conflict);

    [Fact]
    public void GivenPrepareWindow_WhenAckWithoutActionForEveryInstance_ThenRefusedAsInvalid() =>
        DeciderSpec.Given(Created(), Entered("PREPARE_MAINTENANCE", 1), WindowWithActions(1, "PREPARE_MAINTENANCE", Project("p1", "vm1", "vm2")))
            .When(new RecordReply("p1", "ACK_PREPARE_MAINTENANCE", new Dictionary<string, string> { ["vm1"] = "MIGRATE" }, T1))
            .ThenRefuses<InvalidReply>(RuleKind.Invalid);

    [Fact]
    public void GivenPrepareWindow_WhenActionNotAllowed_ThenRefusedAsInvalid() =>
        DeciderSpec.Given(Created(), Entered("PREPARE_MAINTENANCE", 1), WindowWithActions(1, "PREPARE_MAINTENANCE", Project("p1", "vm1")))
            .When(new RecordReply("p1", "ACK_PREPARE_MAINTENANCE", new Dictionary<string, string> { ["vm1"] = "EVACUATE" }, T1))
            .ThenRefuses<InvalidReply>(RuleKind.Invalid);

    [Fact]
    public void GivenPrepareWindow_WhenActionForAnotherProjectsInstance_ThenRefusedAsInvalid() =>
        DeciderSpec.Given(Created(), Entered("PREPARE_MAINTENANCE", 1), WindowWithActions(1, "PREPARE_MAINTENANCE", Project("p1", "vm1"), Project("p2", "vm2")))
            .When(new RecordReply("p1", "ACK_PREPARE_MAINTENANCE", new Dictionary<string, string> { ["vm1"] = "MIGRATE", ["vm2"] = "MIGRATE" }, T1))
            .ThenRefuses<InvalidReply>(RuleKind.Invalid);

    [Fact]
    public void GivenPerInstanceReplies_WhenLastInstanceAnswered_ThenWindowComplete()
    {
        var state = MaintenanceSession.Fold([Created(), Entered("PREPARE_MAINTENANCE", 1), WindowWithActions(1, "PREPARE_MAINTENANCE", Project("p1", "vm1", "vm2")),
            new ReplyReceived("p1", "ACK_PREPARE_MAINTENANCE", 1, new Dictionary<string, string> { ["vm1"] = "MIGRATE" }, T1)]);
        Assert.False(state.CurrentWindow!.IsComplete);
        var events = MaintenanceSession.Decide(new RecordReply("p1", "ACK_PREPARE_MAINTENANCE", new Dictionary<string, string> { ["vm2"] = "LIVE_MIGRATE" }, T1, "vm2"), state);
        var after = events.Aggregate(state, MaintenanceSession.Evolve);
        Assert.True(after.CurrentWindow!.IsComplete);
        Assert.Equal("LIVE_MIGRATE", after.CurrentWindow.Replies["p1"].InstanceActions["vm2"]);
    }

    [Fact]
    public void GivenWindowOpenWithMissingReply_WhenDeadlineFiresForThatRound_ThenWindowExpired() =>
        DeciderSpec.Given(Created(), Entered("MAINTENANCE", 1), Window(1, "MAINTENANCE", Project("p1", "vm1"), Project("p2", "vm2")),
                new ReplyReceived("p1", "ACK_MAINTENANCE", 1, NoActions(), T1))
            .When(new ExpireReplyWindow(1, T0.AddMinutes(1)))
            .Then(new ReplyWindowExpired(1, ["p2"], T0.AddMinutes(1)));

    [Fact]
    public void GivenSessionMovedToNextRound_WhenLateDeadlineFiresForOldRound_ThenNothingHappens() =>
        DeciderSpec.Given(Created(), Entered("MAINTENANCE", 1), Window(1, "MAINTENANCE", Project("p1", "vm1")), Entered("SCALE_IN", 2, "MAINTENANCE"))
            .When(new ExpireReplyWindow(1, T0.AddMinutes(1)))
            .Then();

    [Fact]
    public void GivenWindowExpired_WhenDeadlineFiresTwice_ThenNothingHappens() =>
        DeciderSpec.Given(Created(), Entered("MAINTENANCE", 1), Window(1, "MAINTENANCE", Project("p1", "vm1")), new ReplyWindowExpired(1, ["p1"], T1))
            .When(new ExpireReplyWindow(1, T1))
            .Then();

    [Fact]
    public void GivenAllReplied_WhenDeadlineFires_ThenNothingHappens() =>
        DeciderSpec.Given(Created(), Entered("MAINTENANCE", 1), Window(1, "MAINTENANCE", Project("p1", "vm1")), new ReplyReceived("p1", "ACK_MAINTENANCE", 1, NoActions(), T1))
            .When(new ExpireReplyWindow(1, T0.AddMinutes(1)))
            .Then();

    [Fact]
    public void GivenProjectAnsweredMigrate_WhenEngineRequestsMigrate_ThenActionRequested() =>
        DeciderSpec.Given(Created(), Entered("PREPARE_MAINTENANCE", 1), new HostChosen("compute-0", 1, "test", T0),
                WindowWithActions(1, "PREPARE_MAINTENANCE", Project("p1", "vm1")),
                new ReplyReceived("p1", "ACK_PREPARE_MAINTENANCE", 1, new Dictionary<string, string> { ["vm1"] = "MIGRATE" }, T1))
            .When(new RequestInstanceAction("vm1", "p1", "MIGRATE", "compute-0", T1))
            .Then(new InstanceActionRequested("vm1", "p1", "MIGRATE", "compute-0", 1, T1));

    [Fact]
    public void GivenProjectAnsweredOwnAction_WhenEngineRequestsMigrate_ThenRefused() =>
        DeciderSpec.Given(Created(), Entered("PREPARE_MAINTENANCE", 1), WindowWithActions(1, "PREPARE_MAINTENANCE", Project("p1", "vm1")),
                new ReplyReceived("p1", "ACK_PREPARE_MAINTENANCE", 1, new Dictionary<string, string> { ["vm1"] = "OWN_ACTION" }, T1))
            .When(new RequestInstanceAction("vm1", "p1", "MIGRATE", "compute-0", T1))
            .ThenRefuses<InstanceActionNotAnswered>(RuleKind.Conflict);

    [Fact]
    public void GivenProjectNotYetAnswered_WhenEngineRequestsMigrate_ThenRefused() =>
        DeciderSpec.Given(Created(), Entered("PREPARE_MAINTENANCE", 1), WindowWithActions(1, "PREPARE_MAINTENANCE", Project("p1", "vm1")))
            .When(new RequestInstanceAction("vm1", "p1", "MIGRATE", "compute-0", T1))
            .ThenRefuses<InstanceActionNotAnswered>(RuleKind.Conflict);

    [Fact]
    public void GivenProjectNotAskedUnderPolicyProceed_WhenEngineRequestsMigrate_ThenActionRequested() =>
        DeciderSpec.Given(Created(SubscriptionPolicy.Proceed), Entered("PREPARE_MAINTENANCE", 1),
                WindowWithActions(1, "PREPARE_MAINTENANCE", new ProjectAudience("p1", ["vm1"], Interactive: false)))
            .When(new RequestInstanceAction("vm1", "p1", "MIGRATE", "compute-0", T1))
            .Then(new InstanceActionRequested("vm1", "p1", "MIGRATE", "compute-0", 1, T1));

    [Fact]
    public void GivenHostMaintained_WhenEnteringItAgain_ThenNothingHappens() =>
        DeciderSpec.Given(Created(), Entered("START_MAINTENANCE", 1), new HostEnteredMaintenance("compute-0", T0), new HostLeftMaintenance("compute-0", T1))
            .When(new EnterHostMaintenance("compute-0", T1))
            .Then();

    [Fact]
    public void GivenHostInMaintenance_WhenEnteringAnother_ThenRefused() =>
        DeciderSpec.Given(Created(), Entered("START_MAINTENANCE", 1), new HostEnteredMaintenance("compute-0", T0))
            .When(new EnterHostMaintenance("compute-1", T1))
            .ThenRefuses<SessionRuleViolation>(RuleKind.Conflict);

    [Fact]
    public void GivenComputeStillDisabled_WhenCompleting_ThenRefused() =>
        DeciderSpec.Given(Created(), Entered("MAINTENANCE_DONE", 1), new ComputeDisabled("compute-0", T0))
            .When(new CompleteSession(T1))
            .ThenRefuses<SessionRuleViolation>(RuleKind.Conflict);

    [Fact]
    public void GivenSessionFailedWithDisabledCompute_WhenEnablingIt_ThenComputeEnabled() =>
        DeciderSpec.Given(Created(), Entered("PREPARE_MAINTENANCE", 1), new ComputeDisabled("compute-0", T0), new SessionFailed("boom", "PREPARE_MAINTENANCE", T1))
            .When(new EnableCompute("compute-0", T1))
            .Then(new ComputeEnabled("compute-0", T1));

    [Fact]
    public void GivenSessionDeleted_WhenEngineCommandArrives_ThenNothingHappens() =>
        DeciderSpec.Given(Created(), Entered("MAINTENANCE", 1), new SessionDeleted("admin", T1))
            .When(new EnterState("SCALE_IN", "late", T1))
            .Then();

    [Fact]
    public void GivenSessionDeleted_WhenProjectReplies_ThenRefusedAsNotRunning() =>
        DeciderSpec.Given(Created(), Entered("MAINTENANCE", 1), Window(1, "MAINTENANCE", Project("p1", "vm1")), new SessionDeleted("admin", T1))
            .When(new RecordReply("p1", "ACK_MAINTENANCE", NoActions(), T1))
            .ThenRefuses<SessionNotRunning>(RuleKind.Conflict);

    [Fact]
    public void GivenSessionFailed_WhenResumed_ThenRunsAgainInANewRound() =>
        DeciderSpec.Given(Created(), Entered("MAINTENANCE", 1), new SessionFailed("nack", "MAINTENANCE", T1))
            .When(new ResumeSession("SCALE_IN", T1))
            .Then(new SessionResumed("SCALE_IN", 2, T1));

    [Fact]
    public void GivenSessionRunning_WhenResumed_ThenRefused() =>
        DeciderSpec.Given(Created(), Entered("MAINTENANCE", 1))
            .When(new ResumeSession("SCALE_IN", T1))
            .ThenRefuses<SessionRuleViolation>(RuleKind.Conflict);

    [Fact]
    public void GivenWaitingForMaintenanceReplies_WhenRescheduled_ThenTheInitialStateIsEnteredAgainInANewRound() =>
        DeciderSpec.Given(Created(), Entered("MAINTENANCE", 1), Window(1, "MAINTENANCE", Project("p1", "vm1")), new ReplyReceived("p1", "ACK_MAINTENANCE", 1, NoActions(), T1))
            .When(new RescheduleSession(MaintenanceAt.AddHours(1), "iso", T1))
            .Then(new MaintenanceRescheduled(MaintenanceAt.AddHours(1), "iso", MaintenanceAt, T1),
                new StateEntered("MAINTENANCE", 2, "MAINTENANCE", "maintenance_at moved to 2026-11-22 11:05:00Z", T1));

    [Fact]
    public void GivenRescheduled_ThenTheSessionHoldsTheNewTimeInItsForm_AndTheOldRepliesNoLongerCount()
    {
        var state = MaintenanceSession.Fold([Created(), Entered("MAINTENANCE", 1), Window(1, "MAINTENANCE", Project("p1", "vm1")),
            new MaintenanceRescheduled(MaintenanceAt.AddHours(1), "iso", MaintenanceAt, T1), new StateEntered("MAINTENANCE", 2, "MAINTENANCE", "moved", T1)]);
        Assert.Equal((MaintenanceAt.AddHours(1), "iso", 2), (state.MaintenanceAt, state.MaintenanceAtForm, state.Round));
        Assert.Null(state.CurrentWindow);
    }

    [Fact]
    public void GivenMaintenanceBegun_WhenRescheduled_ThenRefusedNamingTheState()
    {
        var e = DeciderSpec.Given(Created(), Entered("MAINTENANCE", 1), Entered("PREPARE_MAINTENANCE", 2, "MAINTENANCE"))
            .When(new RescheduleSession(MaintenanceAt.AddHours(1), "iso", T1))
            .ThenRefuses<SessionRuleViolation>(RuleKind.Conflict);
        Assert.Contains("PREPARE_MAINTENANCE", e.Message);
    }

    [Fact]
    public void GivenSessionFailed_WhenRescheduled_ThenOnlyTheTimeMoves_ForTheResumeToUse() =>
        DeciderSpec.Given(Created(), Entered("MAINTENANCE", 1), new SessionFailed("expired", "MAINTENANCE", T1))
            .When(new RescheduleSession(MaintenanceAt.AddHours(1), "fenix", T1))
            .Then(new MaintenanceRescheduled(MaintenanceAt.AddHours(1), "fenix", MaintenanceAt, T1));

    [Fact]
    public void GivenSessionDone_WhenRescheduled_ThenRefused_AndTheSameTimeAgainChangesNothing()
    {
        DeciderSpec.Given(Created(), Entered("MAINTENANCE", 1), new SessionDone(T1))
            .When(new RescheduleSession(MaintenanceAt.AddHours(1), "iso", T1))
            .ThenRefuses<SessionRuleViolation>(RuleKind.Conflict);
        DeciderSpec.Given(Created(), Entered("MAINTENANCE", 1))
            .When(new RescheduleSession(MaintenanceAt, "fenix", T1))
            .Then();
    }

    [Fact]
    public void GivenWindowWithANack_ThenTheWindowReportsIt()
    {
        var state = MaintenanceSession.Fold([Created(), Entered("MAINTENANCE", 1), Window(1, "MAINTENANCE", Project("p1", "vm1"), Project("p2", "vm2")),
            new ReplyReceived("p2", "NACK_MAINTENANCE", 1, NoActions(), T1)]);
        Assert.Equal("p2", state.CurrentWindow!.FirstNack!.Value.Key);
    }
}
