namespace Doctor.Workflows.Notifications.Delivery;

/// <summary>
/// The notifier's tables (migration 0006).
/// <list type="bullet">
/// <item><c>webhook_deliveries</c>: one row per (notification, subscriber, endpoint), written before the feed checkpoint
/// moves past the notification. The primary key is derived from that triple (<see cref="DeliveryIds"/>), so a replay of
/// the evaluation after a crash, or the fast lane and the feed both reaching the same notification, write one row.</item>
/// <item><c>webhook_secrets</c>: each subscriber's signing secret, sealed with AES-GCM (<see cref="WebhookSecrets"/>).</item>
/// <item><c>notifier_keys</c>: the sealing key when none is configured, generated once.</item>
/// <item><c>subscriptions</c>: native northbound subscriptions; <c>alarm_history</c>: Aodh-style alarm changes.</item>
/// </list>
/// </summary>
public static class NotifierSchema
{
    public const string Sql = """
        CREATE TABLE doctor.webhook_deliveries (
            id           uuid        PRIMARY KEY,
            message_id   text        NOT NULL,
            subscriber   text        NOT NULL,
            endpoint     text        NOT NULL,
            seq          bigint      NOT NULL,
            body         bytea       NOT NULL,
            headers      jsonb       NOT NULL,
            status       text        NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
            attempts     integer     NOT NULL DEFAULT 0,
            last_error   text        NULL,
            created_at   timestamptz NOT NULL DEFAULT now(),
            settled_at   timestamptz NULL,
            UNIQUE (message_id, subscriber, endpoint)
        );
        CREATE INDEX webhook_deliveries_pending_idx ON doctor.webhook_deliveries (seq, id) WHERE status = 'pending';
        CREATE INDEX webhook_deliveries_dead_idx ON doctor.webhook_deliveries (settled_at, id) WHERE status = 'dead';
        CREATE INDEX webhook_deliveries_subscriber_idx ON doctor.webhook_deliveries (subscriber, seq);
        CREATE TABLE doctor.webhook_secrets (
            subscriber   text        PRIMARY KEY,
            sealed       bytea       NOT NULL,
            created_at   timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE doctor.notifier_keys (
            id           integer     PRIMARY KEY CHECK (id = 1),
            key          bytea       NOT NULL,
            created_at   timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE doctor.subscriptions (
            id           uuid        PRIMARY KEY,
            project_id   text        NULL,
            body         jsonb       NOT NULL,
            created_at   timestamptz NOT NULL
        );
        CREATE INDEX subscriptions_project_id_idx ON doctor.subscriptions (project_id);
        CREATE TABLE doctor.alarm_history (
            event_id     uuid        PRIMARY KEY,
            alarm_id     uuid        NOT NULL,
            type         text        NOT NULL,
            detail       text        NOT NULL,
            timestamp    timestamptz NOT NULL
        );
        CREATE INDEX alarm_history_alarm_idx ON doctor.alarm_history (alarm_id, timestamp);
        """;
}
