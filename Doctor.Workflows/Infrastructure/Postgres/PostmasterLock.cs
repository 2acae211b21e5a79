namespace Doctor.Workflows.Infrastructure.Postgres;

/// <summary>
/// The <c>postmaster.pid</c> lock file of a data directory: which process claims the cluster.
/// After an unclean stop it may name a dead process, or a process id the system has since given
/// to something else (common in containers), and then PostgreSQL would refuse to start.
/// </summary>
internal sealed record PostmasterLock(string File, int Pid)
{
    public static PostmasterLock? Read(string dataDirectory)
    {
        var file = Path.Combine(dataDirectory, "postmaster.pid");
        try
        {
            var first = System.IO.File.ReadLines(file).FirstOrDefault();
            return int.TryParse(first, out var pid) ? new PostmasterLock(file, pid) : new PostmasterLock(file, 0);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>What holds the lock now.</summary>
    public LockHolder Holder(string dataDirectory)
    {
        if (Pid <= 0 || !Directory.Exists($"/proc/{Pid}"))
        {
            return OperatingSystem.IsLinux() ? LockHolder.Nobody : LockHolder.Unknown;
        }
        string commandLine;
        try
        {
            commandLine = System.IO.File.ReadAllText($"/proc/{Pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return LockHolder.Nobody;   // exited meanwhile
        }
        catch (UnauthorizedAccessException)
        {
            return LockHolder.Unknown;
        }
        if (!commandLine.Contains("postgres", StringComparison.Ordinal))
        {
            return LockHolder.Nobody;   // the id now belongs to an unrelated program
        }
        return commandLine.Contains(dataDirectory, StringComparison.Ordinal) ? LockHolder.OurPostmaster : LockHolder.Unknown;
    }

    public enum LockHolder
    {
        /// <summary>No live process claims the lock: it is stale and safe to remove.</summary>
        Nobody,
        /// <summary>A postmaster of this very data directory still runs, e.g. left behind by a killed service.</summary>
        OurPostmaster,
        /// <summary>Cannot tell; PostgreSQL's own checks decide.</summary>
        Unknown,
    }
}
