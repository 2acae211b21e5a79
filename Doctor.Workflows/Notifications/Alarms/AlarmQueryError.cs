namespace Doctor.Workflows.Notifications.Alarms;

/// <summary>Why a query condition was refused: the member at fault (<c>field</c>, <c>op</c>, <c>type</c>, <c>value</c>) and what is wrong with it.</summary>
public sealed record AlarmQueryError(string Member, string Message);
