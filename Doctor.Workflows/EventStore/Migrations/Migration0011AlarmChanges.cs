namespace Doctor.Workflows.EventStore.Migrations;

/// <summary>
/// What Aodh's update, state and history calls need: the time an alarm's definition last changed, and per history entry
/// who changed it, on behalf of which project and at which severity. Existing entries get what can be known: the
/// owner, and the creator and severity of a creation. Entries of alarms deleted before go, as Aodh deletes an alarm's
/// history with it.
/// </summary>
internal static class Migration0011AlarmChanges
{
    public static EventStoreMigration Migration { get; } = new(11, "alarm_changes", """
        ALTER TABLE doctor.alarms ADD COLUMN updated_at timestamptz NULL;
        ALTER TABLE doctor.alarm_history
            ADD COLUMN user_id      text NULL,
            ADD COLUMN project_id   text NULL,
            ADD COLUMN on_behalf_of text NULL,
            ADD COLUMN severity     text NULL;
        DELETE FROM doctor.alarm_history AS h WHERE NOT EXISTS (SELECT 1 FROM doctor.alarms AS a WHERE a.id = h.alarm_id);
        UPDATE doctor.alarm_history AS h SET
            on_behalf_of = a.project_id,
            project_id   = CASE WHEN h.type = 'creation' THEN a.project_id END,
            user_id      = CASE WHEN h.type = 'creation' THEN a.body->>'user_id' END,
            severity     = CASE WHEN h.type = 'creation' THEN a.body->>'severity' END
        FROM doctor.alarms AS a WHERE a.id = h.alarm_id;
        CREATE INDEX alarm_history_on_behalf_of_idx ON doctor.alarm_history (on_behalf_of, timestamp);
        """);
}
