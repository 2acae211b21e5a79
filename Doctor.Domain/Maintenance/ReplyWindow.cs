using System.Collections.Immutable;

namespace Doctor.Domain.Maintenance;

/// <summary>The projects asked in one round, what they may answer, until when, and what they answered.</summary>
public sealed record ReplyWindow(
    int Round,
    string State,
    ImmutableDictionary<string, ProjectAudience> Projects,
    IReadOnlyList<string> AllowedActions,
    DateTimeOffset Deadline,
    DateTimeOffset? ActionsAt,
    ImmutableDictionary<string, ProjectReply> Replies,
    bool Expired)
{
    public IEnumerable<string> MissingProjects =>
        Projects.Values.Where(p => p.Interactive && !(Replies.TryGetValue(p.ProjectId, out var r) && r.Covers(p, AllowedActions)))
            .Select(p => p.ProjectId).Order(StringComparer.Ordinal);

    public bool IsComplete => !MissingProjects.Any();

    public KeyValuePair<string, ProjectReply>? FirstNack =>
        Replies.Where(r => !r.Value.IsAck).OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => (KeyValuePair<string, ProjectReply>?)r).FirstOrDefault();
}
