using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Doctor.Tests.Notifications;

/// <summary>
/// The real OpenStack Aodh CLI (<c>/usr/bin/aodh</c>, Debian's python3-aodhclient) speaking to a Doctor service with a
/// Doctor token (<c>--os-auth-type admin_token</c>: keystoneauth sends it as <c>X-Auth-Token</c> to the endpoint given).
/// It runs in a clean environment — system Python, no <c>OS_*</c> settings from the caller — so what it does is what
/// an operator's <c>aodh</c> does.
/// </summary>
public sealed class AodhCli(string endpoint, string token)
{
    public const string Binary = "/usr/bin/aodh";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>Fails (never skips) when the client is not installed: the test suite's own setup installs it.</summary>
    public static void EnsureInstalled()
    {
        if (!File.Exists(Binary))
            Assert.Fail($"{Binary} is missing: ./test.sh installs python3-aodhclient (apt-get install python3-aodhclient); the Aodh CLI tests need the real client.");
    }

    /// <summary>Runs <c>aodh &lt;args&gt;</c>; the exit code and what it printed.</summary>
    public async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment.Clear();
        // The system interpreter: a pyenv or virtualenv python on the caller's PATH lacks the client's modules.
        start.Environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin";
        start.Environment["HOME"] = Path.GetTempPath();
        start.Environment["LANG"] = "C.UTF-8";
        foreach (var arg in new[] { "--os-auth-type", "admin_token", "--os-endpoint", endpoint, "--os-token", token }.Concat(args))
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"aodh {string.Join(' ', args)}: no answer within {Timeout.TotalSeconds:0} s");
        }
        return (process.ExitCode, await output, await error);
    }

    /// <summary>Runs <c>aodh &lt;args&gt; -f json</c>, asserts it succeeded and returns what it printed, parsed.</summary>
    public async Task<JsonNode> JsonAsync(params string[] args)
    {
        var (exitCode, output, error) = await RunAsync([.. args, "-f", "json"]);
        Assert.True(exitCode == 0, $"aodh {string.Join(' ', args)} exited {exitCode}: {error}{output}");
        return JsonNode.Parse(output)!;
    }

    /// <summary>Runs a command that prints nothing (<c>alarm delete</c>) and asserts it succeeded.</summary>
    public async Task SucceedsAsync(params string[] args)
    {
        var (exitCode, output, error) = await RunAsync(args);
        Assert.True(exitCode == 0, $"aodh {string.Join(' ', args)} exited {exitCode}: {error}{output}");
    }
}
