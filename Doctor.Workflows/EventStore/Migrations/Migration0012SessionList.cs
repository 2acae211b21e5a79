namespace Doctor.Workflows.EventStore.Migrations;

/// <summary>
/// The maintenance session list (<see cref="Maintenance.SessionList"/>): one row per session, written in the same
/// transaction as the events that change it, so <c>GET /v1/maintenance</c> reads one table instead of every stream.
/// Sessions from before it are added at start (<see cref="Maintenance.SessionListBackfill"/>).
/// </summary>
internal static class Migration0012SessionList
{
    public static EventStoreMigration Migration { get; } = new(12, "session_list", """
        CREATE TABLE doctor.maintenance_session_list (
            session_id  text        PRIMARY KEY,
            status      text        NOT NULL,
            state       text        NOT NULL,
            workflow    text        NOT NULL,
            version     bigint      NOT NULL,
            created_at  timestamptz NOT NULL,
            changed_at  timestamptz NOT NULL
        );
        CREATE INDEX maintenance_session_list_order_idx ON doctor.maintenance_session_list (created_at, session_id);
        """);
}
