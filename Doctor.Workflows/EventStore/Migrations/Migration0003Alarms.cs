using Doctor.Workflows.Notifications.Alarms;

namespace Doctor.Workflows.EventStore.Migrations;

/// <summary>Aodh event alarms (<see cref="AlarmSchema"/>).</summary>
internal static class Migration0003Alarms
{
    public static EventStoreMigration Migration { get; } = new(3, "alarms", AlarmSchema.Sql);
}
