namespace Doctor.Workflows.Infrastructure.Postgres;

/// <summary>The embedded PostgreSQL cluster could not be found, initialised, started or stopped. The message says what to do.</summary>
public sealed class EmbeddedPostgresException : Exception
{
    public EmbeddedPostgresException(string message) : base(message) { }

    public EmbeddedPostgresException(string message, Exception inner) : base(message, inner) { }

    // These are problems of the machine or the configuration, and the message says all there is:
    // a stack trace in the start-up log would only hide it.
    public override string ToString() =>
        InnerException is null ? $"{nameof(EmbeddedPostgresException)}: {Message}" : $"{nameof(EmbeddedPostgresException)}: {Message} ---> {InnerException.Message}";
}
