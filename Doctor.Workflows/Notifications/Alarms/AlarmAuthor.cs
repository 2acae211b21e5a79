namespace Doctor.Workflows.Notifications.Alarms;

/// <summary>Who changes an alarm, as its history records it: the token's subject and project (null for an admin without one).</summary>
public sealed record AlarmAuthor(string? UserId, string? ProjectId);
