namespace Doctor.Workflows.EventStore.Migrations;

/// <summary>
/// The simulated cloud kept in PostgreSQL (<c>Doctor:Simulated:Store = postgres</c>): one row holding the whole
/// cloud as a document with a version, so every change is one row-locked transaction and every node sees one cloud.
/// </summary>
internal static class Migration0008SimulatedCloud
{
    public static EventStoreMigration Migration { get; } = new(8, "simulated_cloud", """
        CREATE TABLE doctor.simulated_cloud (
            id         smallint    PRIMARY KEY CHECK (id = 1),
            version    bigint      NOT NULL,
            state      jsonb       NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now()
        );
        """);
}
