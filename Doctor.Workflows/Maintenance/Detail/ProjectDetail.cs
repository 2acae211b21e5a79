namespace Doctor.Workflows.Maintenance.Detail;

/// <summary>
/// A project the session told about maintenance: the states it was notified of, its instances the last notice named,
/// whether it is asked (interactive) or moved by policy, its last reply, and the states whose window closed without it.
/// </summary>
public sealed record ProjectDetail(
    string ProjectId,
    IReadOnlyList<string> NotifiedStates,
    IReadOnlyList<string> InstanceIds,
    bool Interactive,
    string? LastReply,
    DateTimeOffset? LastReplyAt,
    IReadOnlyList<string> MissedStates);
