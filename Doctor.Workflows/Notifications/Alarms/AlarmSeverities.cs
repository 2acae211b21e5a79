namespace Doctor.Workflows.Notifications.Alarms;

/// <summary>Aodh's alarm severities.</summary>
public static class AlarmSeverities
{
    public const string Low = "low";
    public const string Moderate = "moderate";
    public const string Critical = "critical";

    public static bool IsKnown(string severity) => severity is Low or Moderate or Critical;
}
