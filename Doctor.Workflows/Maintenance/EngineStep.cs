using Doctor.Workflows.Engine;

namespace Doctor.Workflows.Maintenance;

/// <summary>What the interpreter says a session needs next. The engine carries it out and asks again.</summary>
public abstract record EngineStep
{
    /// <summary>Nothing to do until something happens (a reply, a timer, an admin).</summary>
    public sealed record Idle : EngineStep;

    /// <summary>The session ended with computes it disabled: enable them again.</summary>
    public sealed record RestoreComputes : EngineStep;

    public sealed record Finish(bool Succeeded, string Reason) : EngineStep;

    public sealed record RunActivity(string Activity, string Stage) : EngineStep;

    public sealed record OpenWindow(NotifyDefinition Notify) : EngineStep;

    public sealed record AwaitReplies(int Round, DateTimeOffset Deadline) : EngineStep;

    public sealed record TakeTransition(string To, string Reason) : EngineStep;

    public sealed record HoldUntil(int Round, DateTimeOffset Until) : EngineStep;

    public sealed record ChooseBranch(IReadOnlyList<Branch> Branches) : EngineStep;
}
