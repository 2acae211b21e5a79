using Npgsql;

namespace Doctor.Benchmarks;

/// <summary>A throw-away database on the benchmark server, dropped afterwards.</summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string _serverConnectionString;

    private BenchDatabase(string serverConnectionString, string name, NpgsqlDataSource dataSource)
    {
        _serverConnectionString = serverConnectionString;
        Name = name;
        DataSource = dataSource;
    }

    public string Name { get; }
    public NpgsqlDataSource DataSource { get; }

    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("DOCTOR_BENCH_POSTGRES") is { Length: > 0 } bench ? bench
        : Environment.GetEnvironmentVariable("DOCTOR_TEST_POSTGRES") is { Length: > 0 } test ? test
        : throw new InvalidOperationException("set DOCTOR_BENCH_POSTGRES (or DOCTOR_TEST_POSTGRES) to a PostgreSQL server connection string");

    public static async Task<BenchDatabase> CreateAsync()
    {
        var server = ServerConnectionString;
        var name = "doctor_bench_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }
        var cs = new NpgsqlConnectionStringBuilder(server) { Database = name, MaxPoolSize = 32 }.ConnectionString;
        return new BenchDatabase(server, name, NpgsqlDataSource.Create(cs));
    }

    /// <summary>The server settings that decide what a commit costs, for the record.</summary>
    public async Task<string> DescribeServerAsync()
    {
        await using var command = DataSource.CreateCommand("""
            SELECT format('%s; fsync=%s, synchronous_commit=%s, wal_sync_method=%s, full_page_writes=%s, shared_buffers=%s, commit_delay=%s',
                          split_part(version(), ' on ', 1), current_setting('fsync'), current_setting('synchronous_commit'),
                          current_setting('wal_sync_method'), current_setting('full_page_writes'), current_setting('shared_buffers'),
                          current_setting('commit_delay'))
            """);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(_serverConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
