namespace Doctor.Workflows.Notifications.Targets;

/// <summary>
/// Where webhooks may go (<c>Doctor:WebhookTargets</c>): networks in CIDR form. A target address is refused when it is in
/// <see cref="Deny"/> or in the built-in link-local and cloud-metadata networks (unless <see cref="DenyLinkLocal"/> is
/// false), or when <see cref="Allow"/> is not empty and holds none of its networks. Loopback is allowed by default.
/// </summary>
public sealed class WebhookTargetOptions
{
    public const string Section = "Doctor:WebhookTargets";

    /// <summary>When not empty, only these networks may be targets (e.g. <c>10.20.0.0/16</c>, <c>127.0.0.0/8</c>).</summary>
    public string[] Allow { get; set; } = [];

    /// <summary>Networks never to be targets, on top of the built-in ones (e.g. <c>10.0.0.0/8</c> for the control plane).</summary>
    public string[] Deny { get; set; } = [];

    /// <summary>Refuse link-local networks (<c>169.254.0.0/16</c>, <c>fe80::/10</c>), which hold the cloud metadata service (<c>169.254.169.254</c>).</summary>
    public bool DenyLinkLocal { get; set; } = true;

    /// <summary>Longest time to resolve a target's host name when a subscription is created.</summary>
    public TimeSpan ResolveTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest time to open a TCP connection to a target.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
