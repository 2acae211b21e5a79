using Doctor.Workflows.Infrastructure.Postgres;
using Npgsql;

namespace Doctor.Benchmarks;

/// <summary>
/// The PostgreSQL server the benchmarks write to: the one named by <c>DOCTOR_BENCH_POSTGRES</c>, or else a private
/// cluster started from the machine's own binaries (<c>/usr/lib/postgresql/*/bin</c>) in a fresh temporary directory,
/// run as an unprivileged account when we are root, exactly as the service's embedded mode does, and removed afterwards.
/// A fresh cluster has initdb's defaults: fsync and synchronous_commit on, so every commit is durable.
/// </summary>
public sealed class BenchServer : IAsyncDisposable
{
    public const string ConnectionStringVariable = "DOCTOR_BENCH_POSTGRES";

    private readonly EmbeddedPostgres? _embedded;
    private readonly string? _directory;

    private BenchServer(string connectionString, string origin, EmbeddedPostgres? embedded, string? directory)
    {
        ConnectionString = connectionString;
        Origin = origin;
        _embedded = embedded;
        _directory = directory;
    }

    /// <summary>Connection string to a database on the server with the right to create databases.</summary>
    public string ConnectionString { get; }

    /// <summary>Where the server comes from, for the record.</summary>
    public string Origin { get; }

    public static async Task<BenchServer> StartAsync()
    {
        if (Environment.GetEnvironmentVariable(ConnectionStringVariable) is { Length: > 0 } configured)
        {
            var target = new NpgsqlConnectionStringBuilder(configured);
            return new BenchServer(configured, $"{ConnectionStringVariable} ({target.Host}:{target.Port})", null, null);
        }
        var directory = Path.Combine(Path.GetTempPath(), "doctor-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        // The service account must be able to reach the directory (a root-only umask would lock it out).
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        var embedded = new EmbeddedPostgres(new EmbeddedPostgresOptions
        {
            DataDirectory = Path.Combine(directory, "pgdata"),
            Database = "postgres",
            StartTimeout = TimeSpan.FromSeconds(120),
        });
        try
        {
            var connectionString = await embedded.StartAsync();
            return new BenchServer(connectionString, $"private cluster started by the benchmark in {directory} (initdb defaults)", embedded, directory);
        }
        catch
        {
            await embedded.DisposeAsync();
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>The server settings that decide what a commit costs.</summary>
    public Task<ServerSettings> DescribeAsync() => ServerSettings.ReadAsync(ConnectionString);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_embedded is not null)
        {
            await _embedded.DisposeAsync();
        }
        if (_directory is not null)
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException e)
            {
                Console.Error.WriteLine($"could not remove {_directory}: {e.Message}");
            }
        }
    }
}
