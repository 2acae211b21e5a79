namespace Doctor.Workflows.Engine;

/// <summary>
/// One state: an optional <see cref="Prepare"/> activity, an optional notification with its reply window, an optional
/// hold until a time, an optional <see cref="Run"/> activity, then the first matching <see cref="Next"/> branch.
/// <see cref="Final"/> (<c>succeeded</c>|<c>failed</c>) marks a terminal state.
/// </summary>
public sealed record StateDefinition(
    string Name,
    string? Prepare,
    NotifyDefinition? Notify,
    string? HoldUntil,
    string? Run,
    IReadOnlyList<Branch> Next,
    string? OnNack,
    string? OnTimeout,
    string? OnFailure,
    string? Final)
{
    public bool IsFinal => Final is not null;
}
