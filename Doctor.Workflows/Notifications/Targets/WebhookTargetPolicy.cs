using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Doctor.Workflows.Notifications.Targets;

/// <summary>
/// Keeps webhooks away from what a subscriber must not reach through us (server-side request forgery): only http and
/// https, and only addresses the <see cref="WebhookTargetOptions"/> allow. Checked twice: when a subscription is created
/// (a clear 400), and at every connection (<see cref="ConnectAsync"/>, the webhook client's connect callback), after DNS
/// resolution, on every address — so a name that later resolves elsewhere (DNS rebinding) is still refused.
/// </summary>
public sealed class WebhookTargetPolicy
{
    private static readonly IPNetwork[] LinkLocal =
    [
        IPNetwork.Parse("169.254.0.0/16"), // includes 169.254.169.254, the metadata service of most clouds
        IPNetwork.Parse("fe80::/10"),
        IPNetwork.Parse("fd00:ec2::254/128"), // AWS's IPv6 metadata address
    ];

    private readonly WebhookTargetOptions _options;
    private readonly IPNetwork[] _allow;
    private readonly IPNetwork[] _deny;

    public WebhookTargetPolicy(IOptions<WebhookTargetOptions> options)
    {
        _options = options.Value;
        _allow = [.. _options.Allow.Select(IPNetwork.Parse)];
        _deny = [.. _options.Deny.Select(IPNetwork.Parse), .. _options.DenyLinkLocal ? LinkLocal : []];
    }

    /// <summary>Why <paramref name="address"/> may not be a target, or null when it may.</summary>
    public string? Refusal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        foreach (var denied in _deny)
        {
            if (denied.Contains(address))
                return $"{address} is in the denied network {denied}";
        }
        if (_allow.Length > 0 && !_allow.Any(n => n.Contains(address)))
            return $"{address} is not in an allowed network ({string.Join(", ", _allow)})";
        return null;
    }

    /// <summary>
    /// Why <paramref name="target"/> may not be a webhook URL, as a problem title naming <paramref name="field"/>; null when it may.
    /// A host name is resolved (bounded by <see cref="WebhookTargetOptions.ResolveTimeout"/>); one that does not resolve now is
    /// accepted, since the connect-time check still applies.
    /// </summary>
    public async Task<string?> CheckAsync(Uri target, string field, CancellationToken ct)
    {
        if (!target.IsAbsoluteUri || (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps))
            return $"{field}: only http and https URLs may receive webhooks";
        if (string.IsNullOrEmpty(target.Host))
            return $"{field}: the URL names no host";
        if (!string.IsNullOrEmpty(target.UserInfo))
            return $"{field}: credentials in the URL are not accepted";
        IPAddress[] addresses;
        if (IPAddress.TryParse(target.IdnHost.Trim('[', ']'), out var literal))
        {
            addresses = [literal];
        }
        else
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_options.ResolveTimeout);
            try
            {
                addresses = await Dns.GetHostAddressesAsync(target.IdnHost, timeout.Token);
            }
            catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                return null;
            }
        }
        foreach (var address in addresses)
        {
            if (Refusal(address) is { } reason)
                return $"{field}: {target.Host} may not receive webhooks: {reason}";
        }
        return null;
    }

    /// <summary>The webhook client's connect callback: resolve, refuse if any address is forbidden, else connect (bounded by <see cref="WebhookTargetOptions.ConnectTimeout"/>).</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        foreach (var address in addresses)
        {
            if (Refusal(address) is { } reason)
                throw new WebhookTargetRefusedException(host, address, reason);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.ConnectTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, timeout.Token);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
