namespace Doctor.Workflows.Infrastructure.Postgres;

/// <summary>A directory holding the PostgreSQL server programs the embedded cluster needs.</summary>
public sealed record PostgresBinaries(string Directory)
{
    private const string DebianRoot = "/usr/lib/postgresql";
    private static readonly string[] Programs = ["initdb", "pg_ctl", "postgres"];

    public string Initdb => Path.Combine(Directory, "initdb");
    public string PgCtl => Path.Combine(Directory, "pg_ctl");

    /// <summary>
    /// Finds the first directory holding all of initdb, pg_ctl and postgres: only
    /// <paramref name="binDirectory"/> when given, else PATH, then <c>/usr/lib/postgresql/*/bin</c>
    /// with the highest major version first.
    /// </summary>
    /// <exception cref="EmbeddedPostgresException">None qualifies; the message names every place searched.</exception>
    public static PostgresBinaries Locate(string? binDirectory = null, string? path = null)
    {
        var candidates = CandidateDirectories(binDirectory, path ?? Environment.GetEnvironmentVariable("PATH"));
        foreach (var directory in candidates)
        {
            if (Programs.All(p => IsExecutableFile(Path.Combine(directory, p))))
            {
                return new PostgresBinaries(directory);
            }
        }

        var searched = string.IsNullOrWhiteSpace(binDirectory)
            ? string.Join(", ", candidates.Append($"{DebianRoot}/*/bin").Distinct())
            : binDirectory;
        throw new EmbeddedPostgresException(
            $"PostgreSQL server programs (initdb, pg_ctl, postgres) not found; searched: {searched}. " +
            "Install PostgreSQL (e.g. apt-get install postgresql-15), point Doctor__Embedded__BinDirectory at its bin directory, " +
            "or set Doctor__Postgres to a connection string to use an existing server.");
    }

    private static List<string> CandidateDirectories(string? binDirectory, string? path)
    {
        if (!string.IsNullOrWhiteSpace(binDirectory))
        {
            return [Path.GetFullPath(binDirectory)];
        }

        var directories = (path ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToList();
        if (System.IO.Directory.Exists(DebianRoot))
        {
            directories.AddRange(System.IO.Directory.GetDirectories(DebianRoot)
                .Select(versionDir => (versionDir, version: MajorVersion(Path.GetFileName(versionDir))))
                .OrderByDescending(d => d.version)
                .Select(d => Path.Combine(d.versionDir, "bin")));
        }
        return directories.Distinct().ToList();
    }

    private static double MajorVersion(string name) =>
        double.TryParse(name, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : -1;

    private static bool IsExecutableFile(string file)
    {
        if (!File.Exists(file))
        {
            return false;
        }
        if (OperatingSystem.IsWindows())
        {
            return true;
        }
        var mode = File.GetUnixFileMode(file);
        return (mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
    }
}
