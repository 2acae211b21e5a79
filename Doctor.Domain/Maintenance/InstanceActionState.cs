namespace Doctor.Domain.Maintenance;

public enum InstanceActionStatus
{
    Requested,
    Done,
    Failed,
}

/// <summary>An instance move the session asked for in the current round, and how it went.</summary>
public sealed record InstanceActionState(string InstanceId, string ProjectId, string Action, string FromHost, InstanceActionStatus Status, string? ToHost, string? FailureReason);
