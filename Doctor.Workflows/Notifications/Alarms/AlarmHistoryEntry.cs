namespace Doctor.Workflows.Notifications.Alarms;

/// <summary>One entry of an alarm's history, as Aodh keeps it: <paramref name="Type"/> is <c>creation</c> or <c>state transition</c>; <paramref name="Detail"/> is JSON text.</summary>
public sealed record AlarmHistoryEntry(Guid EventId, Guid AlarmId, string Type, string Detail, DateTimeOffset Timestamp);
