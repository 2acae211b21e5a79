namespace Doctor.Workflows.Notifications.Alarms;

/// <summary>Aodh's alarm states, spelled as Aodh spells them on the wire.</summary>
public static class AlarmStates
{
    /// <summary>Every alarm starts here: nothing has been evaluated yet.</summary>
    public const string InsufficientData = "insufficient data";

    /// <summary>A matching event has been seen. Event alarms never leave this state on their own (as in Aodh).</summary>
    public const string Alarm = "alarm";

    public const string Ok = "ok";

    public static bool IsKnown(string state) => state is InsufficientData or Alarm or Ok;
}
