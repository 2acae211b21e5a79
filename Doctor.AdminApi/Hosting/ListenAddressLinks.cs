using Doctor.Workflows.Maintenance;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Doctor.AdminApi.Hosting;

/// <summary>
/// Once the server listens, takes the first HTTP address it really listens on as the base of the reply_url and
/// instance_ids links (unless <c>Doctor:Maintenance:PublicBaseUrl</c> names one), and logs which base the links use:
/// started with <c>--urls http://127.0.0.1:P</c>, a VNFM must be sent to P, not to a default port.
/// </summary>
public sealed class ListenAddressLinks(IServer server, IHostApplicationLifetime lifetime, PublicBaseUrl links, ILogger<ListenAddressLinks> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(Resolve);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Resolve()
    {
        if (links.IsConfigured)
        {
            logger.LogInformation("Links to VNFMs (reply_url, instance_ids) use {BaseUrl} (Doctor:Maintenance:PublicBaseUrl)", links.Value);
            return;
        }
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var first = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault();
        if (first is null)
        {
            logger.LogError("The server reports no listen address: set Doctor:Maintenance:PublicBaseUrl, else no maintenance notification can carry its links");
            return;
        }
        var (url, wildcard) = Reachable(first);
        links.ResolveFromListenAddress(url);
        if (wildcard)
            logger.LogWarning("Links to VNFMs (reply_url, instance_ids) use {BaseUrl}: the service listens on every interface ({Address}); "
                + "set Doctor:Maintenance:PublicBaseUrl to the address VNFMs reach it on", url, first);
        else
            logger.LogInformation("Links to VNFMs (reply_url, instance_ids) use {BaseUrl}, the first address the service listens on", url);
    }

    /// <summary>A listen address as a link: a wildcard host (every interface) becomes the loopback address, and says so.</summary>
    private static (string Url, bool Wildcard) Reachable(string address)
    {
        var uri = new Uri(address.Replace("://+", "://0.0.0.0").Replace("://*", "://0.0.0.0"));
        var wildcard = uri.Host is "0.0.0.0" or "[::]" or "::";
        var host = wildcard || uri.IsLoopback && uri.Host == "localhost" ? "127.0.0.1" : uri.Host;
        return ($"{uri.Scheme}://{host}:{uri.Port}", wildcard);
    }
}
