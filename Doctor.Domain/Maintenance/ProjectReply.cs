using System.Collections.Immutable;

namespace Doctor.Domain.Maintenance;

/// <summary>What one project has answered in the current window; per-instance replies accumulate into it.</summary>
public sealed record ProjectReply(string Reply, ImmutableDictionary<string, string> InstanceActions)
{
    public bool IsAck => Reply.StartsWith("ACK_", StringComparison.Ordinal);

    /// <summary>A NACK ends the project's part; an ACK does once every affected instance has an action (when actions are asked for).</summary>
    public bool Covers(ProjectAudience audience, IReadOnlyList<string> allowedActions) =>
        !IsAck || allowedActions.Count == 0 || audience.InstanceIds.All(InstanceActions.ContainsKey);
}
