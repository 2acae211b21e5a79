using Doctor.Tests.Infrastructure;
using Doctor.Workflows.EventStore;
using Npgsql;

namespace Doctor.Tests.EventStore;

public sealed class EventStoreSchemaTests
{
    // Everything the migrations create, with object ids and applied_at, so a re-creation or a re-run would show.
    private const string CatalogSnapshot = """
        SELECT string_agg(line, E'\n' ORDER BY line) FROM (
            SELECT format('rel %s %s %s', c.relname, c.relkind, c.oid) AS line FROM pg_class c WHERE c.relnamespace = 'doctor'::regnamespace
            UNION ALL SELECT format('col %s.%s %s %s %s', table_name, column_name, data_type, is_nullable, column_default)
                FROM information_schema.columns WHERE table_schema = 'doctor'
            UNION ALL SELECT format('idx %s', indexdef) FROM pg_indexes WHERE schemaname = 'doctor'
            UNION ALL SELECT format('con %s %s %s', conname, pg_get_constraintdef(oid), oid) FROM pg_constraint WHERE connamespace = 'doctor'::regnamespace
            UNION ALL SELECT format('fn %s %s %s', proname, oid, md5(prosrc)) FROM pg_proc WHERE pronamespace = 'doctor'::regnamespace
            UNION ALL SELECT format('mig %s %s %s', version, name, applied_at) FROM doctor.schema_migrations
        ) catalog
        """;

    private static async Task<string> SnapshotAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand(CatalogSnapshot);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Migrate_RunTwice_AppliesOnceAndChangesNothingTheSecondTime()
    {
        await using var db = await TestDatabase.CreateAsync();

        var first = await EventStoreSchema.MigrateAsync(db.DataSource);
        var afterFirst = await SnapshotAsync(db.DataSource);
        var second = await EventStoreSchema.MigrateAsync(db.DataSource);
        var afterSecond = await SnapshotAsync(db.DataSource);

        // Numbers are reserved per feature, so the list may have gaps until every feature is merged.
        Assert.Equal(Doctor.Workflows.EventStore.Migrations.EventStoreMigrations.All.Select(m => m.Version), first);
        Assert.Empty(second);
        Assert.Equal(afterFirst, afterSecond);
        Assert.Contains("rel events r", afterFirst);
        Assert.Contains("fn append_events", afterFirst);
        Assert.Contains("mig 1 initial", afterFirst);
    }

    [Fact]
    public async Task Migrate_FromTwoProcessesAtOnce_AppliesEachMigrationOnce()
    {
        await using var db = await TestDatabase.CreateAsync();
        // Separate data sources: separate pools, as two processes would have.
        await using var processA = NpgsqlDataSource.Create(db.ConnectionString);
        await using var processB = NpgsqlDataSource.Create(db.ConnectionString);

        var results = await Task.WhenAll(EventStoreSchema.MigrateAsync(processA), EventStoreSchema.MigrateAsync(processB));

        Assert.Equal(Doctor.Workflows.EventStore.Migrations.EventStoreMigrations.All.Count, results.Sum(r => r.Count));
        await using var count = db.DataSource.CreateCommand("SELECT count(*) FROM doctor.schema_migrations");
        Assert.Equal((long)Doctor.Workflows.EventStore.Migrations.EventStoreMigrations.All.Count, await count.ExecuteScalarAsync());
    }
}
