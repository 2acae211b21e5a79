namespace Doctor.Workflows.Notifications.Alarms;

/// <summary>
/// The decision that <paramref name="Alarm"/> fires for a notification. <paramref name="Previous"/> is the state before
/// this firing (what Aodh sends as <c>previous</c>); <paramref name="EntersAlarm"/> says the alarm's state changes and
/// must be stored before anything is sent.
/// </summary>
public sealed record AlarmFiring(EventAlarm Alarm, string Previous, bool EntersAlarm, string Reason);
