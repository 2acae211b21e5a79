namespace Doctor.Workflows.EventStore.Migrations;

/// <summary>One numbered schema change; applied once, in its own transaction, and recorded in <c>doctor.schema_migrations</c>.</summary>
internal sealed record EventStoreMigration(int Version, string Name, string Sql);
