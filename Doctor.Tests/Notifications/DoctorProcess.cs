using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Doctor.Tests.Infrastructure;

namespace Doctor.Tests.Notifications;

/// <summary>
/// The service as a real child process (<c>dotnet Doctor.AdminApi.dll</c> from the build output) on a given port and
/// database, so a test can kill it the hard way (SIGKILL) and start it again.
/// </summary>
public sealed class DoctorProcess : IAsyncDisposable
{
    private readonly Process _process;

    private DoctorProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) }.WithToken(TestTokens.Admin);
    }

    public Uri BaseAddress { get; }
    public HttpClient Client { get; }

    public static async Task<DoctorProcess> StartAsync(string connectionString, int port, IDictionary<string, string> settings)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { AdminApiDll(), "--urls", $"http://127.0.0.1:{port}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["Doctor__Postgres"] = connectionString;
        info.Environment["Doctor__Auth__AdminToken"] = TestTokens.Admin;
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in settings)
            info.Environment[key] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the service");
        // Drained, or a full pipe would block the service's logging.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var doctor = new DoctorProcess(process, new Uri($"http://127.0.0.1:{port}"));
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"the service exited with {process.ExitCode} while starting");
            try
            {
                if ((await doctor.Client.GetAsync("/health")).IsSuccessStatusCode)
                    return doctor;
            }
            catch (HttpRequestException)
            {
            }
            if (DateTime.UtcNow > deadline)
            {
                await doctor.DisposeAsync();
                throw new TimeoutException("the service did not answer /health within 90 s");
            }
            await Task.Delay(200);
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, nothing flushed.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(30_000);
    }

    public async Task<JsonObject> PostAsync(string path, object body)
    {
        var response = await Client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            Kill();
        _process.Dispose();
        Client.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>The service's build output next to this test assembly's (same configuration and framework).</summary>
    private static string AdminApiDll()
    {
        var testDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testDirectory.Name;
        var configuration = testDirectory.Parent!.Name;
        for (var dir = testDirectory; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "Doctor.AdminApi", "bin", configuration, framework, "Doctor.AdminApi.dll");
            if (File.Exists(candidate))
                return candidate;
        }
        throw new FileNotFoundException("Doctor.AdminApi.dll not found next to the test output: build the solution first");
    }
}
