using System.Diagnostics;
using System.Text;

namespace Doctor.Workflows.Infrastructure.Postgres;

/// <summary>Runs one PostgreSQL program to completion and keeps what it printed, for logs and error messages.</summary>
internal static class ClusterCommand
{
    public sealed record Outcome(int ExitCode, string Output)
    {
        public bool Succeeded => ExitCode == 0;
    }

    public static async Task<Outcome> RunAsync(ProcessStartInfo info, TimeSpan timeout, CancellationToken ct)
    {
        using var process = new Process { StartInfo = info };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new EmbeddedPostgresException($"Could not run {info.FileName}: {e.Message}", e);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (ct.IsCancellationRequested)
            {
                throw;
            }
            throw new EmbeddedPostgresException(
                $"{Describe(info)} did not finish within {timeout.TotalSeconds:0} s. Output: {Text(output)}");
        }
        // The parameterless wait also drains the asynchronous output readers.
        process.WaitForExit();
        return new Outcome(process.ExitCode, Text(output));
    }

    public static string Describe(ProcessStartInfo info) =>
        string.Join(' ', info.ArgumentList.Prepend(info.FileName));

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString().Trim();
        }
    }
}
