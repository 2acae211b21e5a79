using Doctor.Domain.Maintenance;
using Doctor.Workflows.Engine;

namespace Doctor.Workflows.Maintenance;

/// <summary>
/// Reads a session against its workflow definition and names the next step. Pure: the same definition, events and
/// time give the same answer, which is what makes a restart (or a second node) pick up exactly where the events stand.
/// </summary>
public static class MaintenanceInterpreter
{
    public const string PrepareStage = "prepare";
    public const string RunStage = "run";

    public static EngineStep Next(WorkflowDefinition definition, SessionState session, DateTimeOffset now)
    {
        if (session.IsEnded)
            return session.DisabledComputes.IsEmpty ? new EngineStep.Idle() : new EngineStep.RestoreComputes();
        if (!session.IsRunning)
            return new EngineStep.Idle();

        var state = definition.State(session.State);
        if (state.IsFinal)
            return new EngineStep.Finish(state.Final == "succeeded", session.StateReason);
        if (session.Round > definition.MaxRounds)
            return new EngineStep.Finish(false, $"the workflow went through more than {definition.MaxRounds} states without finishing");

        if (state.Prepare is { } prepare && !session.CompletedStages.Contains(PrepareStage))
            return new EngineStep.RunActivity(prepare, PrepareStage);

        if (state.Notify is { } notify)
        {
            if (session.CurrentWindow is not { } window)
                return new EngineStep.OpenWindow(notify);
            if (window.FirstNack is { } nack)
                return new EngineStep.TakeTransition(state.OnNack!, $"project {nack.Key} answered {nack.Value.Reply}");
            if (window.Expired)
                return new EngineStep.TakeTransition(state.OnTimeout!,
                    $"no reply to {session.State} from {string.Join(", ", window.MissingProjects)} by {FenixTime.ToFenix(window.Deadline)}");
            if (!window.IsComplete)
                return new EngineStep.AwaitReplies(window.Round, window.Deadline);
        }

        if (state.HoldUntil is not null && now < session.MaintenanceAt)
            return new EngineStep.HoldUntil(session.Round, session.MaintenanceAt);

        if (state.Run is { } run && !session.CompletedStages.Contains(RunStage))
            return new EngineStep.RunActivity(run, RunStage);

        return new EngineStep.ChooseBranch(state.Next);
    }

    /// <summary>The deadline of a window reference: <c>$maintenanceAt</c>, or now plus a named window (configuration first).</summary>
    public static DateTimeOffset ResolveTime(string reference, WorkflowDefinition definition, SessionState session, DateTimeOffset now, IReadOnlyDictionary<string, TimeSpan> overrides)
    {
        if (reference == WorkflowDefinitionLoader.MaintenanceAtWindow)
            return session.MaintenanceAt;
        var name = reference.TrimStart('$');
        return now + (overrides.TryGetValue(name, out var configured) ? configured : definition.Windows[name]);
    }
}
