namespace Doctor.Workflows.EventStore.Migrations;

/// <summary>Fenix/ETSI instance and instance-group constraints (anti-affinity and friends).</summary>
internal static class Migration0004Constraints
{
    public static EventStoreMigration Migration { get; } = new(4, "constraints", """
        CREATE TABLE doctor.instance_constraints (
            instance_id text        PRIMARY KEY,
            project_id  text        NOT NULL,
            body        jsonb       NOT NULL,
            updated_at  timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE doctor.instance_groups (
            group_id    text        PRIMARY KEY,
            project_id  text        NOT NULL,
            body        jsonb       NOT NULL,
            updated_at  timestamptz NOT NULL DEFAULT now()
        );
        """);
}
