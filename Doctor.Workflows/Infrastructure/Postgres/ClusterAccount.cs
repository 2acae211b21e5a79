using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Doctor.Workflows.Infrastructure.Postgres;

/// <summary>
/// The operating-system account the cluster's programs run as. PostgreSQL refuses to run as root,
/// so a root service hands the cluster to an unprivileged account; otherwise it runs as itself.
/// </summary>
internal sealed class ClusterAccount
{
    private ClusterAccount(string? user) => User = user;

    /// <summary>The account switched to, or null when the programs run as the current user.</summary>
    public string? User { get; }

    public static ClusterAccount Resolve(string? configuredUser)
    {
        if (OperatingSystem.IsWindows() || geteuid() != 0)
        {
            return new ClusterAccount(null);
        }
        if (!string.IsNullOrWhiteSpace(configuredUser))
        {
            return UserExists(configuredUser)
                ? new ClusterAccount(configuredUser)
                : throw new EmbeddedPostgresException(
                    $"Doctor__Embedded__RunAsUser names the account '{configuredUser}', which does not exist on this machine.");
        }
        foreach (var candidate in new[] { "postgres", "nobody" })
        {
            if (UserExists(candidate))
            {
                return new ClusterAccount(candidate);
            }
        }
        throw new EmbeddedPostgresException(
            "The service runs as root and PostgreSQL refuses root, but neither a 'postgres' nor a 'nobody' account exists: " +
            "create one, set Doctor__Embedded__RunAsUser, or set Doctor__Postgres to a connection string.");
    }

    /// <summary>A start description running <paramref name="program"/> as this account.</summary>
    public ProcessStartInfo Command(string program, IEnumerable<string> arguments, string workingDirectory)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        if (User is null)
        {
            info.FileName = program;
        }
        else
        {
            // runuser keeps the environment and needs no password or terminal, unlike su/sudo.
            info.FileName = "runuser";
            info.ArgumentList.Add("-u");
            info.ArgumentList.Add(User);
            info.ArgumentList.Add("--");
            info.ArgumentList.Add(program);
        }
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        // Messages from the PostgreSQL programs are parsed nowhere, but a fixed locale keeps them readable in logs.
        info.Environment["LC_ALL"] = "C";
        return info;
    }

    /// <summary>Hands <paramref name="directory"/> and everything below it to this account (no-op when running as self).</summary>
    public async Task TakeOwnershipAsync(string directory, CancellationToken ct)
    {
        if (User is null)
        {
            return;
        }
        var info = new ProcessStartInfo("chown") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-R");
        info.ArgumentList.Add(User + ":");
        info.ArgumentList.Add(directory);
        using var chown = Process.Start(info) ?? throw new EmbeddedPostgresException("Could not run chown.");
        var error = await chown.StandardError.ReadToEndAsync(ct);
        await chown.WaitForExitAsync(ct);
        if (chown.ExitCode != 0)
        {
            throw new EmbeddedPostgresException($"Could not hand {directory} to account '{User}': {error.Trim()}");
        }
    }

    public override string ToString() => User ?? Environment.UserName;

    private static bool UserExists(string user)
    {
        // `id` asks NSS, so accounts from LDAP and the like count too, not only /etc/passwd.
        var info = new ProcessStartInfo("id") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-u");
        info.ArgumentList.Add(user);
        using var id = Process.Start(info);
        if (id is null)
        {
            return false;
        }
        id.StandardOutput.ReadToEnd();
        id.StandardError.ReadToEnd();
        id.WaitForExit();
        return id.ExitCode == 0;
    }

    [DllImport("libc", SetLastError = false)]
    private static extern uint geteuid();
}
