using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Doctor.Benchmarks.Faults;

/// <summary>
/// The service as a fresh child process, <c>dotnet Doctor.AdminApi.dll --urls http://127.0.0.1:PORT</c>, configured
/// through environment variables only (as Doctor.Tests' ServiceProcess starts it). Its output goes to a log file that
/// failures name; disposing kills it (it is throw-away), and so does the benchmark's own exit.
/// </summary>
public sealed class DoctorProcess : IAsyncDisposable
{
    // Children still alive when the benchmark exits (Ctrl-C, a crash) are killed with it, not left holding ports.
    private static readonly ConcurrentDictionary<DoctorProcess, byte> Alive = new();

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _logGate = new();
    private bool _logClosed;

    static DoctorProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var child in Alive.Keys)
            child.Kill();
    };

    private DoctorProcess(Process process, StreamWriter log, string logPath, string? jitSummaryPath, Uri baseAddress)
    {
        _process = process;
        _log = log;
        LogPath = logPath;
        JitSummaryPath = jitSummaryPath;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
    }

    public HttpClient Client { get; }
    public string LogPath { get; }

    /// <summary>Where the JIT lists every method it compiles (<c>DOTNET_JitStdOutFile</c>), when asked for.</summary>
    public string? JitSummaryPath { get; }

    /// <summary>Keep the log file when disposed (a failed run's); a run that went well deletes it.</summary>
    public bool KeepLog { get; set; }

    /// <summary>From just before the process was started to the first 200 of <c>/health</c>.</summary>
    public TimeSpan StartToHealthy { get; private set; }

    /// <summary>CPU time (user and system) the service has used so far: read from /proc on every call.</summary>
    public TimeSpan CpuTime => _process.TotalProcessorTime;

    /// <summary>
    /// Environment names of the benchmark's own that the child does not inherit: runtime knobs (<c>DOTNET_*</c>,
    /// <c>COMPlus_*</c>, but not where the runtime is) and service settings, so that a variant's environment is all
    /// that differs between variants.
    /// </summary>
    public static bool IsWithheld(string name) =>
        (name.StartsWith("DOTNET_", StringComparison.OrdinalIgnoreCase) || name.StartsWith("COMPlus_", StringComparison.OrdinalIgnoreCase))
            && !name.StartsWith("DOTNET_ROOT", StringComparison.OrdinalIgnoreCase) && !name.StartsWith("DOTNET_CLI_", StringComparison.OrdinalIgnoreCase)
            && !name.Equals("DOTNET_HOST_PATH", StringComparison.OrdinalIgnoreCase) && !name.Equals("DOTNET_NOLOGO", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("Doctor__", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("Logging__", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Starts <paramref name="dll"/> on a free loopback port and waits until <c>/health</c> answers 200. With
    /// <paramref name="jitSummary"/>, the JIT writes a line per method it compiles (<see cref="JitSummary"/>).
    /// </summary>
    public static async Task<DoctorProcess> StartAsync(string dll, IReadOnlyDictionary<string, string> environment, TimeSpan within, bool jitSummary = false)
    {
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(baseAddress.ToString().TrimEnd('/'));
        foreach (var name in info.Environment.Keys.Where(IsWithheld).ToList())
            info.Environment.Remove(name);
        foreach (var (key, value) in environment)
            info.Environment[key] = value;

        var logPath = Path.Combine(Path.GetTempPath(), $"doctor-cold-{baseAddress.Port}-{Guid.NewGuid().ToString("N")[..8]}.log");
        string? jitSummaryPath = null;
        if (jitSummary)
        {
            jitSummaryPath = Path.ChangeExtension(logPath, ".jit.txt");
            info.Environment["DOTNET_JitDisasmSummary"] = "1";
            info.Environment["DOTNET_JitStdOutFile"] = jitSummaryPath;
        }
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = new Process { StartInfo = info };
        var child = new DoctorProcess(process, log, logPath, jitSummaryPath, baseAddress);
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        var t0 = Stopwatch.GetTimestamp();
        process.Start();
        Alive[child] = 0;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await child.WaitHealthyAsync(within);
            child.StartToHealthy = Stopwatch.GetElapsedTime(t0);
            return child;
        }
        catch
        {
            child.KeepLog = true;
            await child.DisposeAsync();
            throw;
        }
    }

    /// <summary>The end of the log, to attach to a failure.</summary>
    public string LogTail(int lines = 30)
    {
        lock (_logGate)
        {
            if (!_logClosed)
                _log.Flush();
        }
        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var all = reader.ReadToEnd().Split('\n');
        return string.Join('\n', all.TakeLast(lines));
    }

    /// <summary>The JIT's lines so far (<c>N: JIT compiled Type:Method(...) [Tier0, IL size=…]</c>); empty when not asked for.</summary>
    public string[] JitSummary()
    {
        if (JitSummaryPath is null || !File.Exists(JitSummaryPath))
            return [];
        using var stream = new FileStream(JitSummaryPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        Alive.TryRemove(this, out _);
        Client.Dispose();
        lock (_logGate)
        {
            _logClosed = true;
            _log.Dispose();
        }
        _process.Dispose();
        if (!KeepLog)
        {
            File.Delete(LogPath);
            if (JitSummaryPath is not null)
                File.Delete(JitSummaryPath);
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>SIGKILL and wait until it is gone: nothing of it is worth a graceful shutdown.</summary>
    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
            _process.WaitForExit(30_000);
        }
        catch (InvalidOperationException)
        {
            // Never started, or already gone.
        }
    }

    private async Task WaitHealthyAsync(TimeSpan within)
    {
        var until = Stopwatch.GetTimestamp() + (long)(within.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"the service exited during start (exit code {_process.ExitCode}); log {LogPath}:\n{LogTail()}");
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                using var response = await Client.GetAsync("/health", timeout.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
            }
            // Short polls: the start-to-healthy figure is read to ~10 ms; a refused connect costs next to nothing.
            await Task.Delay(10);
        }
        throw new TimeoutException($"the service was not healthy within {within}; log {LogPath}:\n{LogTail()}");
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_logGate)
        {
            if (!_logClosed)
                _log.WriteLine(line);
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
