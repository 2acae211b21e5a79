using System.Diagnostics;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using System.Text;

namespace Doctor.Benchmarks.Faults;

/// <summary>
/// Doctor.AdminApi published ReadyToRun (crossgen2 ahead-of-time code in its assemblies, framework-dependent), made
/// once per benchmark run in a temporary directory that is removed afterwards, or a directory published beforehand.
/// </summary>
public sealed class ReadyToRunBuild : IDisposable
{
    private readonly bool _owned;

    private ReadyToRunBuild(string directory, bool owned, TimeSpan took)
    {
        Directory = directory;
        _owned = owned;
        Took = took;
    }

    public string Directory { get; }
    public string Dll => Path.Combine(Directory, "Doctor.AdminApi.dll");

    /// <summary>How long the publish took (zero for a prebuilt directory).</summary>
    public TimeSpan Took { get; }

    /// <summary>A directory published beforehand (<c>--r2r-dir</c>), or null and why it cannot be used.</summary>
    public static ReadyToRunBuild? Existing(string directory, out string? problem)
    {
        var build = new ReadyToRunBuild(Path.GetFullPath(directory), owned: false, TimeSpan.Zero);
        problem = File.Exists(build.Dll) ? null : $"{build.Dll} does not exist";
        return problem is null ? build : null;
    }

    /// <summary>
    /// <c>dotnet publish Doctor.AdminApi -c Release -r &lt;this RID&gt; --self-contained false -p:PublishReadyToRun=true</c>;
    /// the SDK picks the crossgen2 and runtime packs. Null and the end of its output when it fails.
    /// </summary>
    public static async Task<ReadyToRunBuild?> PublishAsync(string repositoryRoot, TimeSpan within, Action<string> failed)
    {
        var directory = Path.Combine(Path.GetTempPath(), "doctor-r2r-" + Guid.NewGuid().ToString("N")[..8]);
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = repositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "publish", Path.Combine(repositoryRoot, "Doctor.AdminApi", "Doctor.AdminApi.csproj"), "-c", "Release",
                     "-r", RuntimeInformation.RuntimeIdentifier, "--self-contained", "false", "-p:PublishReadyToRun=true",
                     "-o", directory, "-nodeReuse:false",
                 })
            info.ArgumentList.Add(argument);
        // Build nodes left behind would hold the machine's two cores' memory and files after the benchmark ends.
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        var t0 = Stopwatch.GetTimestamp();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            lock (output)
                failed($"dotnet publish did not finish within {within}:\n{Tail(output.ToString())}");
            Remove(directory);
            return null;
        }
        var took = Stopwatch.GetElapsedTime(t0);
        var build = new ReadyToRunBuild(directory, owned: true, took);
        lock (output)
        {
            if (process.ExitCode != 0 || !File.Exists(build.Dll))
            {
                failed($"dotnet publish exited with {process.ExitCode}:\n{Tail(output.ToString())}");
                Remove(directory);
                return null;
            }
        }
        return build;
    }

    /// <summary>The directory's own assemblies (Doctor.*) and whether each holds ReadyToRun code, for the record.</summary>
    public string DescribeCode() => string.Join(", ", System.IO.Directory.EnumerateFiles(Directory, "Doctor.*.dll").Order().Select(path =>
    {
        using var reader = new PEReader(File.OpenRead(path));
        var native = reader.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0;
        return $"{Path.GetFileName(path)} {(native ? "ReadyToRun" : "IL only")}";
    }));

    public void Dispose()
    {
        if (_owned)
            Remove(Directory);
    }

    private static void Remove(string directory)
    {
        try
        {
            if (System.IO.Directory.Exists(directory))
                System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"could not remove {directory}: {e.Message}");
        }
    }

    private static string Tail(string text) => string.Join('\n', text.Split('\n').Where(l => l.Trim().Length > 0).TakeLast(25));
}
