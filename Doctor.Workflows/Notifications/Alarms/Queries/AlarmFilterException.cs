namespace Doctor.Workflows.Notifications.Alarms.Queries;

/// <summary>A query the client sent cannot run; the message is Aodh's wording for it, for the 400 the client reads.</summary>
public sealed class AlarmFilterException(string message) : Exception(message);
