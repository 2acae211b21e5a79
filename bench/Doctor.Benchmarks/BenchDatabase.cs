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

    public static async Task<BenchDatabase> CreateAsync(BenchServer benchServer, int maxPoolSize = 32)
    {
        var server = benchServer.ConnectionString;
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
