using Doctor.Domain.Maintenance;

namespace Doctor.Workflows.Maintenance.Detail;

/// <summary>The last action the session asked for an instance, in which state and round, and how it went.</summary>
public sealed record InstanceDetail(
    string InstanceId,
    string ProjectId,
    string Action,
    string SessionState,
    int Round,
    string FromHost,
    string? ToHost,
    InstanceActionStatus Status,
    string? FailureReason,
    DateTimeOffset RequestedAt,
    DateTimeOffset? SettledAt);
