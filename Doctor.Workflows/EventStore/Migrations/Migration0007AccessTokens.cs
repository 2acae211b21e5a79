namespace Doctor.Workflows.EventStore.Migrations;

/// <summary>
/// Project access tokens: only a SHA-256 of each token is kept, so a copy of the table opens nothing.
/// A revoked token keeps its row (who had it, when it ended) and stops working at once on every node.
/// </summary>
internal static class Migration0007AccessTokens
{
    public static EventStoreMigration Migration { get; } = new(7, "access_tokens", """
        CREATE TABLE doctor.access_tokens (
            id          uuid        PRIMARY KEY,
            token_hash  bytea       NOT NULL UNIQUE,
            role        text        NOT NULL,
            project_id  text,
            name        text        NOT NULL,
            created_by  text        NOT NULL,
            created_at  timestamptz NOT NULL,
            revoked_at  timestamptz
        );
        """);
}
