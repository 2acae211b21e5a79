using System.Diagnostics;

namespace Doctor.Tests.Infrastructure;

/// <summary>
/// The service as a real child process (<c>dotnet Doctor.AdminApi.dll --urls http://127.0.0.1:PORT</c>), configured
/// through <c>Doctor__*</c> environment variables, for tests that kill it (SIGKILL) or run two of it. Its stdout and
/// stderr go to a log file (every start appended, marked), named in failures. Disposing always kills it.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    /// <summary>The admin token every process is configured with and every request carries (harmless before auth exists).</summary>
    public const string AdminToken = "scale-out-test-admin-token-0123456789";

    private readonly Dictionary<string, string?> _settings;
    private readonly Lock _logGate = new();
    private Process? _process;
    private StreamWriter? _log;
    private int _starts;

    private ServiceProcess(string name, int port, Dictionary<string, string?> settings)
    {
        Name = name;
        Port = port;
        _settings = settings;
        LogPath = Path.Combine(Path.GetTempPath(), $"doctor-{name}-{port}-{Guid.NewGuid():N}.log");
        Client = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        Client.DefaultRequestHeaders.Add("X-Auth-Token", AdminToken);
    }

    public string Name { get; }
    public int Port { get; }
    public string BaseUrl => $"http://127.0.0.1:{Port}";
    public string LogPath { get; }

    /// <summary>Talks to this process as the admin. Keeps working across restarts (same port).</summary>
    public HttpClient Client { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts the service and waits until <c>/health</c> answers 200. Settings use <c>:</c> keys (<c>Doctor:Postgres</c>).</summary>
    public static async Task<ServiceProcess> StartAsync(string name, IReadOnlyDictionary<string, string?> settings, int port = 0)
    {
        var service = new ServiceProcess(name, port == 0 ? FreePort() : port, new Dictionary<string, string?>(settings));
        try
        {
            await service.StartAgainAsync();
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
        return service;
    }

    /// <summary>Starts the process again on the same port, database and settings (after <see cref="Kill"/>).</summary>
    public async Task StartAgainAsync()
    {
        if (IsRunning)
            throw new InvalidOperationException($"{Name} is still running");
        var dll = AdminApiDll();
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(BaseUrl);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["Doctor__Auth__AdminToken"] = AdminToken;
        info.Environment["Doctor__Maintenance__PublicBaseUrl"] = BaseUrl;
        info.Environment["Doctor__Maintenance__WorkflowsDirectory"] = Path.Combine(RepositoryRoot(), "workflows");
        foreach (var (key, value) in _settings)
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;

        lock (_logGate)
        {
            _log ??= new StreamWriter(LogPath, append: true) { AutoFlush = true };
            _log.WriteLine($"===== {Name} start #{++_starts} at {DateTimeOffset.UtcNow:O} on {BaseUrl}");
        }
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await WaitHealthyAsync(TimeSpan.FromSeconds(90));
    }

    /// <summary>SIGKILL, the whole process tree, no shutdown of any kind; returns once it is gone.</summary>
    public void Kill()
    {
        if (_process is not { } process)
            return;
        try
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
            process.WaitForExit(30_000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        lock (_logGate)
            _log?.WriteLine($"===== {Name} killed at {DateTimeOffset.UtcNow:O}");
        process.Dispose();
        _process = null;
    }

    /// <summary>The log so far, to attach to a failure.</summary>
    public string ReadLog()
    {
        lock (_logGate)
        {
            _log?.Flush();
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var text = reader.ReadToEnd();
            return text.Length > 20_000 ? "…" + text[^20_000..] : text;
        }
    }

    private async Task WaitHealthyAsync(TimeSpan within)
    {
        var until = DateTime.UtcNow + within;
        while (DateTime.UtcNow < until)
        {
            if (_process is null || _process.HasExited)
                throw new InvalidOperationException($"{Name} exited during start (exit code {_process?.ExitCode}); log {LogPath}:\n{ReadLog()}");
            try
            {
                using var response = await Client.GetAsync("/health");
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{Name} not healthy within {within}; log {LogPath}:\n{ReadLog()}");
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_logGate)
            _log?.WriteLine(line);
    }

    private static string AdminApiDll()
    {
        // Built by `dotnet test` with the test project (a project reference), next to the tests' own assembly.
        var beside = Path.Combine(AppContext.BaseDirectory, "Doctor.AdminApi.dll");
        return File.Exists(beside) ? beside : throw new FileNotFoundException("Doctor.AdminApi.dll is not beside the test assembly", beside);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Doctor.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException("no Doctor.sln above " + AppContext.BaseDirectory);
    }

    public static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        Client.Dispose();
        lock (_logGate)
        {
            _log?.Dispose();
            _log = null;
        }
        return ValueTask.CompletedTask;
    }
}
