namespace Doctor.Workflows.Notifications.Bus;

/// <summary>The bus settings, bound from <c>Doctor:*</c>: RabbitMQ when <see cref="RabbitMq"/> holds an AMQP URI, in-memory otherwise.</summary>
public sealed class BusOptions
{
    public const string SectionName = "Doctor";

    /// <summary><c>amqp://user:pass@host:port/vhost</c> (or <c>amqps://</c>); empty: the in-memory bus.</summary>
    public string? RabbitMq { get; set; }

    /// <summary>How long one publish may wait for the broker's confirm before the batch is failed and retried.</summary>
    public TimeSpan BusPublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The queue Doctor's inspector consumes on RabbitMQ. Doctor nodes of one deployment share it (one of them reacts to
    /// each message); a second deployment on the same broker needs its own.
    /// </summary>
    public string BusInspectorQueue { get; set; } = BusTopology.InspectorQueue;

    public bool UsesRabbitMq => !string.IsNullOrWhiteSpace(RabbitMq);

    /// <summary>What is wrong with <paramref name="uri"/> as a broker address, or null when it is a usable AMQP URI.</summary>
    public static string? Problem(string uri) =>
        !Uri.TryCreate(uri, UriKind.Absolute, out var parsed) ? "not an absolute URI"
        : parsed.Scheme is not ("amqp" or "amqps") ? $"scheme must be amqp or amqps, was {parsed.Scheme}"
        : string.IsNullOrEmpty(parsed.Host) ? "names no host"
        : null;
}
