using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Doctor.Workflows.Infrastructure.Postgres;

/// <summary>
/// A private PostgreSQL cluster run from the machine's own binaries (DESIGN.md §4, "Embedded
/// default"): initialised on first start, reused afterwards, listening on a free loopback port
/// chosen at each start, stopped on dispose.
/// </summary>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    /// <summary>The cluster's superuser; connections use trust authentication on 127.0.0.1 only.</summary>
    public const string Superuser = "postgres";

    // A Unix socket path must fit in sun_path (108 bytes on Linux) including ".s.PGSQL.65535".
    private const int MaxSocketDirectoryLength = 90;
    private const int PortAttempts = 3;

    private readonly EmbeddedPostgresOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Running? _running;

    public EmbeddedPostgres(EmbeddedPostgresOptions options, ILogger<EmbeddedPostgres>? logger = null)
    {
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        DataDirectory = Path.GetFullPath(options.DataDirectory);
        RunDirectory = Path.Combine(Path.GetDirectoryName(DataDirectory) ?? DataDirectory, Path.GetFileName(DataDirectory) + ".run");
    }

    /// <summary>Absolute path of the cluster's data directory.</summary>
    public string DataDirectory { get; }

    /// <summary>Directory beside the data directory holding the Unix socket and the server log.</summary>
    public string RunDirectory { get; }

    /// <summary>Where the server writes its log (start-up failures are explained there).</summary>
    public string LogFile => Path.Combine(RunDirectory, "postgresql.log");

    /// <summary>Connection string to the service database while the cluster runs, else null.</summary>
    public string? ConnectionString => _running?.ConnectionString;

    /// <summary>Process id of the running postmaster, from its lock file.</summary>
    internal int? PostmasterPid => PostmasterLock.Read(DataDirectory)?.Pid;

    /// <summary>
    /// Starts the cluster (initialising it first when the data directory holds none) and returns a
    /// connection string to the service database, creating that database when missing. Calling it
    /// again while the cluster runs returns the same connection string.
    /// </summary>
    /// <exception cref="EmbeddedPostgresException">No binaries, or the cluster would not initialise or start; the message says why.</exception>
    public async Task<string> StartAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_running is not null)
            {
                return _running.ConnectionString;
            }
            var deadline = Stopwatch.StartNew();
            var binaries = PostgresBinaries.Locate(_options.BinDirectory);
            var account = ClusterAccount.Resolve(_options.RunAsUser);
            _logger.LogInformation(
                "Embedded PostgreSQL: programs in {BinDirectory}, data in {DataDirectory}, running as {Account}",
                binaries.Directory, DataDirectory, account);

            Directory.CreateDirectory(DataDirectory);
            Directory.CreateDirectory(RunDirectory);
            await account.TakeOwnershipAsync(DataDirectory, ct);
            await account.TakeOwnershipAsync(RunDirectory, ct);

            if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
            {
                await InitialiseAsync(binaries, account, ct);
            }
            await ReleaseStaleLockAsync(binaries, account, ct);
            var port = await LaunchAsync(binaries, account, deadline, ct);
            var connectionString = new NpgsqlConnectionStringBuilder
            {
                Host = IPAddress.Loopback.ToString(),
                Port = port,
                Username = Superuser,
                Database = _options.Database,
            }.ConnectionString;
            _running = new Running(binaries, account, port, connectionString);
            await CreateDatabaseAsync(port, deadline, ct);
            _logger.LogInformation(
                "Embedded PostgreSQL ready on 127.0.0.1:{Port}, database {Database} (took {ElapsedMs} ms)",
                port, _options.Database, deadline.ElapsedMilliseconds);
            return connectionString;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops the cluster with a fast shutdown (open sessions are rolled back). Does nothing when it is not running.</summary>
    public async Task StopAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_running is not { } running)
            {
                return;
            }
            NpgsqlConnection.ClearPool(new NpgsqlConnection(running.ConnectionString));
            var stop = await ClusterCommand.RunAsync(
                running.Account.Command(running.Binaries.PgCtl, ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"], RunDirectory),
                TimeSpan.FromSeconds(70), ct);
            _running = null;
            if (stop.Succeeded)
            {
                _logger.LogInformation("Embedded PostgreSQL on port {Port} stopped", running.Port);
            }
            else if (PostmasterLock.Read(DataDirectory) is not { } left || left.Holder(DataDirectory) == PostmasterLock.LockHolder.Nobody)
            {
                // Already gone: stopped or killed by someone else; a stale lock file is dealt with at the next start.
                _logger.LogInformation("Embedded PostgreSQL on port {Port} had already stopped", running.Port);
            }
            else
            {
                throw new EmbeddedPostgresException($"Embedded PostgreSQL in {DataDirectory} did not stop: {stop.Output}");
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (EmbeddedPostgresException e)
        {
            _logger.LogError(e, "Embedded PostgreSQL did not stop cleanly");
        }
    }

    private async Task InitialiseAsync(PostgresBinaries binaries, ClusterAccount account, CancellationToken ct)
    {
        if (Directory.EnumerateFileSystemEntries(DataDirectory).Any())
        {
            throw new EmbeddedPostgresException(
                $"{DataDirectory} is not empty but holds no PostgreSQL cluster (no PG_VERSION): empty it or set Doctor__Embedded__DataDirectory to another directory.");
        }
        _logger.LogInformation("Embedded PostgreSQL: initialising a new cluster in {DataDirectory}", DataDirectory);
        var initdb = await ClusterCommand.RunAsync(
            account.Command(binaries.Initdb,
                ["-D", DataDirectory, "-U", Superuser, "-A", "trust", "-E", "UTF8", "--locale=C"], RunDirectory),
            _options.StartTimeout, ct);
        if (!initdb.Succeeded)
        {
            throw new EmbeddedPostgresException(
                $"initdb failed for {DataDirectory} (running as {account}; that account must be able to reach and write the directory): {initdb.Output}");
        }
    }

    private async Task ReleaseStaleLockAsync(PostgresBinaries binaries, ClusterAccount account, CancellationToken ct)
    {
        if (PostmasterLock.Read(DataDirectory) is not { } found)
        {
            return;
        }
        switch (found.Holder(DataDirectory))
        {
            case PostmasterLock.LockHolder.Nobody:
                _logger.LogWarning(
                    "Embedded PostgreSQL: removing stale lock file {LockFile} (process {Pid} is gone; the last stop was unclean)",
                    found.File, found.Pid);
                File.Delete(found.File);
                break;
            case PostmasterLock.LockHolder.OurPostmaster:
                // A server left running by a service that was killed: stop it and start afresh on a new port.
                _logger.LogWarning("Embedded PostgreSQL: a server (process {Pid}) still runs on {DataDirectory}; stopping it", found.Pid, DataDirectory);
                var stop = await ClusterCommand.RunAsync(
                    account.Command(binaries.PgCtl, ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"], RunDirectory),
                    TimeSpan.FromSeconds(70), ct);
                if (!stop.Succeeded && PostmasterLock.Read(DataDirectory) is not null)
                {
                    throw new EmbeddedPostgresException($"A server (process {found.Pid}) still runs on {DataDirectory} and would not stop: {stop.Output}");
                }
                break;
            case PostmasterLock.LockHolder.Unknown:
                break;
        }
    }

    private async Task<int> LaunchAsync(PostgresBinaries binaries, ClusterAccount account, Stopwatch deadline, CancellationToken ct)
    {
        var socketDirectory = RunDirectory.Length <= MaxSocketDirectoryLength ? RunDirectory : "";
        if (socketDirectory.Length == 0)
        {
            _logger.LogInformation("Embedded PostgreSQL: {RunDirectory} is too long for a Unix socket path; TCP only", RunDirectory);
        }
        var portCollisions = 0;
        while (true)
        {
            var port = FreeLoopbackPort();
            var remaining = _options.StartTimeout - deadline.Elapsed;
            var logStart = File.Exists(LogFile) ? new FileInfo(LogFile).Length : 0;
            var serverOptions = string.Create(CultureInfo.InvariantCulture,
                $"-p {port} -c listen_addresses=127.0.0.1 -k {ShellQuote(socketDirectory)}");
            var start = await ClusterCommand.RunAsync(
                account.Command(binaries.PgCtl,
                    ["-D", DataDirectory, "-l", LogFile, "-w", "-t", Math.Max(1, (int)remaining.TotalSeconds).ToString(CultureInfo.InvariantCulture),
                     "-o", serverOptions, "start"],
                    RunDirectory),
                remaining + TimeSpan.FromSeconds(10), ct);
            if (start.Succeeded)
            {
                return port;
            }

            var serverLog = ReadLogSince(logStart);
            // Another program may take the port between our probe and the server's bind; the
            // children of a killed postmaster hold its shared memory until they notice and exit.
            var portTaken = serverLog.Contains("could not bind", StringComparison.Ordinal)
                || serverLog.Contains("already in use", StringComparison.Ordinal);
            var previousServerExiting = serverLog.Contains("pre-existing shared memory block", StringComparison.Ordinal);
            var retry = deadline.Elapsed < _options.StartTimeout
                && ((portTaken && ++portCollisions < PortAttempts) || previousServerExiting);
            if (!retry)
            {
                throw new EmbeddedPostgresException(
                    $"Embedded PostgreSQL in {DataDirectory} did not start: {start.Output}{Environment.NewLine}Server log ({LogFile}):{Environment.NewLine}{serverLog}");
            }
            _logger.LogWarning("Embedded PostgreSQL: start on port {Port} failed, retrying: {ServerLog}", port, LastLine(serverLog));
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }
    }

    private async Task CreateDatabaseAsync(int port, Stopwatch deadline, CancellationToken ct)
    {
        var admin = new NpgsqlConnectionStringBuilder
        {
            Host = IPAddress.Loopback.ToString(),
            Port = port,
            Username = Superuser,
            Database = "postgres",
            Pooling = false,
            Timeout = 5,
        }.ConnectionString;
        await using var connection = await OpenWhenAcceptingAsync(admin, deadline, ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection)
        {
            Parameters = { new NpgsqlParameter { Value = _options.Database } },
        };
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{_options.Database.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
            await create.ExecuteNonQueryAsync(ct);
            _logger.LogInformation("Embedded PostgreSQL: created database {Database}", _options.Database);
        }
    }

    private async Task<NpgsqlConnection> OpenWhenAcceptingAsync(string connectionString, Stopwatch deadline, CancellationToken ct)
    {
        while (true)
        {
            var connection = new NpgsqlConnection(connectionString);
            try
            {
                await connection.OpenAsync(ct);
                return connection;
            }
            catch (Exception e) when (e is NpgsqlException or SocketException && deadline.Elapsed < _options.StartTimeout)
            {
                await connection.DisposeAsync();
                _logger.LogDebug(e, "Embedded PostgreSQL not accepting connections yet");
                await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
            }
        }
    }

    private string ReadLogSince(long offset)
    {
        try
        {
            using var log = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            log.Seek(Math.Min(offset, log.Length), SeekOrigin.Begin);
            using var reader = new StreamReader(log, Encoding.UTF8);
            return reader.ReadToEnd().Trim();
        }
        catch (IOException)
        {
            return "(no server log)";
        }
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";

    private static int FreeLoopbackPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    // pg_ctl hands -o to /bin/sh, so a path with spaces or quotes must be quoted for the shell.
    private static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private sealed record Running(PostgresBinaries Binaries, ClusterAccount Account, int Port, string ConnectionString);
}
