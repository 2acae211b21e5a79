namespace Doctor.Workflows.Infrastructure.OpenStack;

/// <summary>How Doctor reaches an OpenStack cloud, bound from <c>Doctor:Cloud:OpenStack</c> (README "Running against OpenStack").</summary>
public sealed class OpenStackOptions
{
    public const string Section = "Doctor:Cloud:OpenStack";

    /// <summary>The lowest compute microversion the driver works with: services by UUID, <c>forced_down</c>, disable with a reason.</summary>
    public const string MinimumComputeMicroversion = "2.53";

    /// <summary>Keystone v3, e.g. <c>https://keystone.example:5000/v3</c>.</summary>
    public string AuthUrl { get; set; } = "";
    public string Username { get; set; } = "";
    public string Password { get; set; } = "";
    /// <summary>The project the service user's token is scoped to (it needs the admin role there).</summary>
    public string ProjectName { get; set; } = "";
    public string UserDomainName { get; set; } = "Default";
    public string ProjectDomainName { get; set; } = "Default";

    /// <summary>The catalog region to take endpoints from; empty takes the first endpoint of the interface.</summary>
    public string RegionName { get; set; } = "";

    /// <summary>The catalog interface: <c>public</c>, <c>internal</c> or <c>admin</c>.</summary>
    public string Interface { get; set; } = "public";

    /// <summary>
    /// The cloud's AMQP URI, where Nova publishes versioned notifications (<c>amqp://user:pass@rabbit:5672/</c>). Empty:
    /// the resource map follows the cloud only by its periodic re-snapshot.
    /// </summary>
    public string NotificationsUrl { get; set; } = "";

    /// <summary>The exchange Nova's notifications go to (oslo.messaging's <c>control_exchange</c> of Nova).</summary>
    public string NotificationsExchange { get; set; } = "nova";

    /// <summary>Nova's <c>[notifications] versioned_notifications_topics</c>; the driver binds <c>{topic}.info</c> and <c>{topic}.error</c>.</summary>
    public string NotificationsTopic { get; set; } = "versioned_notifications";

    /// <summary>False accepts any server certificate (a test cloud with a self-signed certificate); never in production.</summary>
    public bool VerifyTls { get; set; } = true;

    /// <summary>The compute microversion sent with every Nova call; at least <see cref="MinimumComputeMicroversion"/>.</summary>
    public string ComputeMicroversion { get; set; } = "2.88";

    /// <summary>How long one HTTP call may take before it counts as failed.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Extra tries of a call that is safe to repeat, after a 5xx or a connection error, with doubling back-off.</summary>
    public int Retries { get; set; } = 3;

    /// <summary>How long a migration may take in Nova (to VERIFY_RESIZE and confirmed, or live to the end).</summary>
    public TimeSpan MigrationTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often Nova's state is read while a migration runs.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A token is renewed this long before Keystone says it expires.</summary>
    public TimeSpan TokenRenewBefore { get; set; } = TimeSpan.FromMinutes(5);
}
