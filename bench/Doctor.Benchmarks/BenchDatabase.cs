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

    /// <summary>Connection string to the database itself.</summary>
    public string ConnectionString { get; private init; } = "";

    /// <summary>
    /// A database on the server named by <c>DOCTOR_BENCH_POSTGRES</c>, else <c>DOCTOR_TEST_POSTGRES</c> (which may be a
    /// non-durable dev server: figures to publish use <see cref="CreateAsync(BenchServer, int)"/> on a <see cref="BenchServer"/>).
    /// </summary>
    public static Task<BenchDatabase> CreateAsync() => CreateAsync(ConfiguredServer(), 32);

    /// <summary>The server connection string <see cref="CreateAsync()"/> uses.</summary>
    public static string ConfiguredServer() =>
        Environment.GetEnvironmentVariable(BenchServer.ConnectionStringVariable) is { Length: > 0 } bench ? bench
        : Environment.GetEnvironmentVariable("DOCTOR_TEST_POSTGRES") is { Length: > 0 } test ? test
        : throw new InvalidOperationException("set DOCTOR_BENCH_POSTGRES (or DOCTOR_TEST_POSTGRES) to a PostgreSQL server connection string");

    /// <summary>A database on the benchmark's server (private durable cluster, or <c>DOCTOR_BENCH_POSTGRES</c>).</summary>
    public static Task<BenchDatabase> CreateAsync(BenchServer benchServer, int maxPoolSize = 32) =>
        CreateAsync(benchServer.ConnectionString, maxPoolSize);

    private static async Task<BenchDatabase> CreateAsync(string server, int maxPoolSize)
    {
        var name = "doctor_bench_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }
        var cs = new NpgsqlConnectionStringBuilder(server) { Database = name, MaxPoolSize = maxPoolSize }.ConnectionString;
        return new BenchDatabase(server, name, NpgsqlDataSource.Create(cs)) { ConnectionString = cs };
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
