namespace Doctor.Workflows.Engine;

/// <summary>
/// Whom a state tells (<see cref="Audience"/>: a registered audience such as <c>sessionProjects</c>), which instance actions
/// they may choose, and the reply window (<c>$name</c> of a window, or <c>$maintenanceAt</c>). Replies expected: ACK_/NACK_ + state.
/// </summary>
public sealed record NotifyDefinition(string Audience, IReadOnlyList<string> AllowedActions, string Window, string? MustReplyBefore, bool SkipWhenNoAudience);
