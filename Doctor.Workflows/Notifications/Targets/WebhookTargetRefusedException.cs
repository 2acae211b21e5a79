using System.Net;

namespace Doctor.Workflows.Notifications.Targets;

/// <summary>
/// A webhook target resolved to an address the policy forbids. Deliberately not an <see cref="System.Net.Http.HttpRequestException"/>:
/// the dispatcher retries those, and a forbidden target stays forbidden.
/// </summary>
public sealed class WebhookTargetRefusedException(string host, IPAddress address, string reason)
    : Exception($"webhook target {host} ({address}) refused: {reason}")
{
    public string Host { get; } = host;
    public IPAddress Address { get; } = address;
}
