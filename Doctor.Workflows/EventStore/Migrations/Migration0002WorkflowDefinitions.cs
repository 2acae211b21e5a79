namespace Doctor.Workflows.EventStore.Migrations;

/// <summary>Every workflow definition version ever loaded, so a session keeps the exact definition it started with.</summary>
internal static class Migration0002WorkflowDefinitions
{
    public static EventStoreMigration Migration { get; } = new(2, "workflow_definitions", """
        CREATE TABLE doctor.workflow_definitions (
            id             text        NOT NULL,
            version        int         NOT NULL,
            body           text        NOT NULL,
            first_loaded_at timestamptz NOT NULL DEFAULT now(),
            last_loaded_at  timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (id, version)
        );
        CREATE INDEX streams_by_type ON doctor.streams (type, created_at);
        """);
}
