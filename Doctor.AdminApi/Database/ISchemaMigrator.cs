namespace Doctor.AdminApi.Database;

/// <summary>Creates or upgrades the service's schema; run once at start, before anything reads or writes.</summary>
public interface ISchemaMigrator
{
    Task MigrateAsync(CancellationToken ct);
}
