namespace Doctor.Workflows.Notifications;

/// <summary>A notification that is durably appended, with the feed position of the event that holds it.</summary>
public sealed record AppendedNotification(NotificationEmitted Notification, long Seq);
