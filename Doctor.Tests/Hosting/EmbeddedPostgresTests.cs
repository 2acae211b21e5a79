using System.Diagnostics;
using Doctor.Workflows.Infrastructure.Postgres;
using Npgsql;

namespace Doctor.Tests.Hosting;

/// <summary>Real clusters from the machine's PostgreSQL binaries, each in a temporary directory of its own.</summary>
public sealed class EmbeddedPostgresTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "doctor-embedded-" + Guid.NewGuid().ToString("N")[..8]);

    private EmbeddedPostgresOptions Options => new() { DataDirectory = Path.Combine(_root, "pgdata") };

    [Fact]
    public async Task Start_AfterCleanStop_ReusesTheDataDirectory()
    {
        await using (var first = new EmbeddedPostgres(Options))
        {
            var connectionString = await first.StartAsync();
            await Execute(connectionString, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('before restart')");
            await first.StopAsync();
            Assert.Null(first.ConnectionString);
        }

        await using var second = new EmbeddedPostgres(Options);
        var again = await second.StartAsync();

        Assert.Equal("before restart", await Scalar(again, "SELECT v FROM kept"));
        Assert.Equal("doctor", new NpgsqlConnectionStringBuilder(again).Database);
    }

    [Fact]
    public async Task Start_AfterPostmasterWasKilled_RecoversWithCommittedData()
    {
        var crashed = new EmbeddedPostgres(Options);
        var connectionString = await crashed.StartAsync();
        await Execute(connectionString, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('committed')");
        var postmaster = Process.GetProcessById(crashed.PostmasterPid ?? throw new InvalidOperationException("no postmaster.pid"));

        postmaster.Kill();   // SIGKILL: no shutdown checkpoint, postmaster.pid left behind
        await postmaster.WaitForExitAsync();
        await crashed.DisposeAsync();
        Assert.True(File.Exists(Path.Combine(crashed.DataDirectory, "postmaster.pid")));

        await using var restarted = new EmbeddedPostgres(Options);
        var again = await restarted.StartAsync();

        Assert.Equal("committed", await Scalar(again, "SELECT v FROM kept"));
    }

    [Fact]
    public async Task Start_WithLockFileNamingALiveUnrelatedProcess_StartsAnyway()
    {
        var options = Options;
        await using (var first = new EmbeddedPostgres(options))
        {
            await first.StartAsync();
        }
        // After a container restart the dead postmaster's id often belongs to another program by
        // then; PostgreSQL alone would refuse to start ("lock file already exists").
        var lockFile = Path.Combine(options.DataDirectory, "postmaster.pid");
        File.WriteAllText(lockFile, $"{Environment.ProcessId}\n{options.DataDirectory}\n");

        await using var second = new EmbeddedPostgres(options);
        var connectionString = await second.StartAsync();

        Assert.Equal(1, await Scalar(connectionString, "SELECT 1"));
    }

    [Fact]
    public async Task Start_WithoutBinaries_FailsNamingTheSearchedPathAndTheConnectionStringSetting()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_root, "empty-bin")).FullName;
        var options = Options;
        options.BinDirectory = empty;
        await using var cluster = new EmbeddedPostgres(options);

        var error = await Assert.ThrowsAsync<EmbeddedPostgresException>(() => cluster.StartAsync());

        Assert.Contains(empty, error.Message);
        Assert.Contains("initdb", error.Message);
        Assert.Contains("Doctor__Postgres", error.Message);
        Assert.False(Directory.Exists(options.DataDirectory));
    }

    [Fact]
    public void Locate_WithoutBinDirectory_SearchesPathThenDebianVersionDirectories()
    {
        var emptyPath = Directory.CreateDirectory(Path.Combine(_root, "path-bin")).FullName;

        var error = Record.Exception(() => PostgresBinaries.Locate(binDirectory: null, path: emptyPath));

        // Either the machine's /usr/lib/postgresql/*/bin has them, or the message names both places.
        if (error is not null)
        {
            Assert.Contains(emptyPath, error.Message);
            Assert.Contains("/usr/lib/postgresql/*/bin", error.Message);
        }
        else
        {
            Assert.StartsWith("/usr/lib/postgresql/", PostgresBinaries.Locate(null, emptyPath).Directory);
        }
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static async Task Execute(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> Scalar(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
