using Doctor.AdminApi.Hosting;
using Doctor.Workflows.Infrastructure.Postgres;
using Microsoft.Extensions.Options;

namespace Doctor.AdminApi.Database;

/// <summary>
/// The PostgreSQL database the service keeps its events in: the server named by <c>Doctor:Postgres</c>,
/// or, when that is empty, the embedded cluster, started on first use.
/// </summary>
public sealed class DoctorDatabase(IOptions<DoctorOptions> options, EmbeddedPostgres embedded)
{
    public bool IsEmbedded => string.IsNullOrWhiteSpace(options.Value.Postgres);

    /// <summary>The connection string; starts the embedded cluster first when it is the one in use.</summary>
    public Task<string> GetConnectionStringAsync(CancellationToken ct) =>
        IsEmbedded ? embedded.StartAsync(ct) : Task.FromResult(options.Value.Postgres!);

    /// <summary>Stops the embedded cluster; a configured server is left alone.</summary>
    public Task StopAsync(CancellationToken ct) => IsEmbedded ? embedded.StopAsync(ct) : Task.CompletedTask;
}
