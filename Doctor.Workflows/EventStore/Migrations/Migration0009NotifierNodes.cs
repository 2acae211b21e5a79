namespace Doctor.Workflows.EventStore.Migrations;

/// <summary>
/// Deliveries owned by a node (docs/scale-out.md): every process that delivers webhooks registers in
/// <c>notifier_nodes</c> and holds an advisory lock on its id while it lives; a pending delivery names its owner, and a
/// survivor adopts the pending deliveries of an owner whose lock is gone. Rows written before this migration have no
/// owner and are adopted by the first node that sweeps.
/// </summary>
internal static class Migration0009NotifierNodes
{
    public static EventStoreMigration Migration { get; } = new(9, "notifier_nodes", """
        CREATE TABLE doctor.notifier_nodes (
            id         integer     GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            name       text        NOT NULL,
            started_at timestamptz NOT NULL DEFAULT now()
        );
        ALTER TABLE doctor.webhook_deliveries ADD COLUMN owner_node integer NULL;
        CREATE INDEX webhook_deliveries_pending_owner_idx ON doctor.webhook_deliveries (owner_node) WHERE status = 'pending';
        """);
}
