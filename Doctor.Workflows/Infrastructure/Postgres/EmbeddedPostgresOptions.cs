namespace Doctor.Workflows.Infrastructure.Postgres;

/// <summary>
/// Settings of the private PostgreSQL cluster the service starts when no connection string is
/// configured (DESIGN.md §4, "Embedded default"). Bound from <c>Doctor:Embedded</c>.
/// </summary>
public sealed class EmbeddedPostgresOptions
{
    /// <summary>Cluster data directory; created by initdb on first start, reused afterwards. Relative paths are resolved against the working directory.</summary>
    public string DataDirectory { get; set; } = Path.Combine(".doctor", "pgdata");

    /// <summary>Directory holding <c>initdb</c>, <c>pg_ctl</c> and <c>postgres</c>. Empty: search PATH, then <c>/usr/lib/postgresql/*/bin</c> (highest version first).</summary>
    public string? BinDirectory { get; set; }

    /// <summary>Operating-system account the cluster runs as when the service runs as root (PostgreSQL refuses root). Empty: <c>postgres</c> if it exists, else <c>nobody</c>.</summary>
    public string? RunAsUser { get; set; }

    /// <summary>How long initdb, start-up and crash recovery may take before start fails.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Name of the database the service uses inside the cluster; created when missing.</summary>
    public string Database { get; set; } = "doctor";
}
