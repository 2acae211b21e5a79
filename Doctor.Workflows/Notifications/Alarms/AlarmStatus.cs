namespace Doctor.Workflows.Notifications.Alarms;

/// <summary>
/// Where an alarm stands. <see cref="FiredBy"/> is the message id of the notification that moved it into
/// <see cref="AlarmStates.Alarm"/>, and <see cref="Previous"/> the state it left: when the feed hands the same
/// notification again after a crash, the alarm fires again for it (at-least-once) instead of counting it as a repeat.
/// </summary>
public sealed record AlarmStatus(string State, DateTimeOffset ChangedAt, string? Reason, string? Previous, string? FiredBy)
{
    public const string NotEvaluatedYet = "Not evaluated yet";

    /// <summary>Aodh's reason for a state set through the API (<c>ALARM_REASON_MANUAL</c>).</summary>
    public const string ManuallySet = "Manually set via API";

    public static AlarmStatus Initial(DateTimeOffset now) => new(AlarmStates.InsufficientData, now, NotEvaluatedYet, null, null);
}
