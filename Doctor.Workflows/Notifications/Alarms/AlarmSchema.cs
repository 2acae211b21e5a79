namespace Doctor.Workflows.Notifications.Alarms;

/// <summary>
/// The alarms table. The definition (what the client posted, normalised) is one jsonb document; the state the notifier
/// changes lives in columns of its own, so a firing updates a few columns and never rewrites the definition.
/// Applied by the numbered migrations (<c>Migration0003Alarms</c>).
/// </summary>
public static class AlarmSchema
{
    public const string Sql = """
        CREATE SCHEMA IF NOT EXISTS doctor;
        CREATE TABLE IF NOT EXISTS doctor.alarms (
            id               uuid        PRIMARY KEY,
            project_id       text        NULL,
            body             jsonb       NOT NULL,
            state            text        NOT NULL CHECK (state IN ('ok', 'alarm', 'insufficient data')),
            previous_state   text        NULL,
            state_reason     text        NULL,
            fired_by         text        NULL,
            state_changed_at timestamptz NOT NULL,
            created_at       timestamptz NOT NULL
        );
        CREATE INDEX IF NOT EXISTS alarms_project_id_idx ON doctor.alarms (project_id);
        """;
}
