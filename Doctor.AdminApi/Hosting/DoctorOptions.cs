using Doctor.Workflows.Infrastructure.Postgres;

namespace Doctor.AdminApi.Hosting;

/// <summary>Service-wide settings, bound from <c>Doctor:*</c> (environment: <c>Doctor__*</c>) and validated at start.</summary>
public sealed class DoctorOptions
{
    public const string Section = "Doctor";

    /// <summary>Npgsql connection string of the PostgreSQL database to use. Empty: run an embedded cluster (see <see cref="Embedded"/>).</summary>
    public string? Postgres { get; set; }

    /// <summary>The private cluster started when <see cref="Postgres"/> is empty.</summary>
    public EmbeddedPostgresOptions Embedded { get; set; } = new();

    /// <summary>AMQP URI of the RabbitMQ broker the bus publishes to (<c>amqp://user:pass@host:port/vhost</c>). Empty: the in-memory bus.</summary>
    public string? RabbitMq { get; set; }

    /// <summary>Largest request body accepted; a larger one is answered 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;
}
