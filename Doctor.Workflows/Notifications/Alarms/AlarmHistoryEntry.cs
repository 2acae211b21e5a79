namespace Doctor.Workflows.Notifications.Alarms;

/// <summary>
/// One entry of an alarm's history, as Aodh keeps it: <paramref name="Type"/> is <c>creation</c>, <c>rule change</c> or
/// <c>state transition</c>; <paramref name="Detail"/> is JSON text. <paramref name="UserId"/> and
/// <paramref name="ProjectId"/> say who made the change (null: the service itself, or an admin without a project);
/// <paramref name="OnBehalfOf"/> is the project that owns the alarm, the one that may read the entry.
/// <paramref name="Severity"/> is set when the change carries one (Aodh: the severity in the detail, or the alarm's for a firing).
/// </summary>
public sealed record AlarmHistoryEntry(
    Guid EventId,
    Guid AlarmId,
    string Type,
    string Detail,
    DateTimeOffset Timestamp,
    string? UserId = null,
    string? ProjectId = null,
    string? OnBehalfOf = null,
    string? Severity = null)
{
    public const string Creation = "creation";
    public const string RuleChange = "rule change";
    public const string StateTransition = "state transition";
}
