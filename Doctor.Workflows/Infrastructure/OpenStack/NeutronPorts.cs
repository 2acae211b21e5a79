using System.Net;
using System.Text.Json.Nodes;

namespace Doctor.Workflows.Infrastructure.OpenStack;

/// <summary>
/// Neutron ports bound to a host and their <c>data_plane_status</c>. Needs the <c>data-plane-status</c> extension (ML2
/// <c>extension_drivers = data_plane_status</c>); without Neutron or without it, the call fails saying which is missing.
/// </summary>
internal sealed class NeutronPorts(OpenStackHttp api)
{
    private bool? _extension;

    /// <param name="status">The engine's <c>UP</c> or <c>DOWN</c>; Neutron's words are <c>ACTIVE</c> and <c>DOWN</c>.</param>
    public async Task SetDataPlaneStatusAsync(string host, string status, CancellationToken ct)
    {
        status = status.Trim().ToUpperInvariant() switch
        {
            "UP" or "ACTIVE" => "ACTIVE",
            "DOWN" => "DOWN",
            _ => throw new OpenStackApiException("network", "ports", null, $"data_plane_status '{status}' is not UP or DOWN"),
        };
        if (!await api.Keystone.HasServiceAsync("network", ct))
            throw new OpenStackApiException("network", "catalog", null, "the cloud's catalog has no network (Neutron) endpoint, so ports' data_plane_status cannot be set");
        var root = await RootAsync(ct);
        if (!await HasExtensionAsync(root, ct))
            throw new OpenStackApiException("network", "extensions", null,
                "Neutron lacks the data-plane-status extension (ML2 extension_drivers = data_plane_status), so ports' data_plane_status cannot be set");
        var ports = (await api.GetAsync("network", $"{root}/ports?binding:host_id={Uri.EscapeDataString(host)}&fields=id&fields=data_plane_status", ct))["ports"]?.AsArray() ?? [];
        await Task.WhenAll(ports
            .Where(p => p?["data_plane_status"]?.GetValue<string>() != status)
            .Select(p => api.SendAsync("network", HttpMethod.Put, $"{root}/ports/{p!["id"]!.GetValue<string>()}",
                new JsonObject { ["port"] = new JsonObject { ["data_plane_status"] = status } }, idempotent: true, ct)));
    }

    /// <summary>Neutron's catalog URL usually names no version: the v2.0 API is under it.</summary>
    private async Task<string> RootAsync(CancellationToken ct) =>
        (await api.Keystone.EndpointAsync("network", ct)).EndsWith("/v2.0", StringComparison.Ordinal) ? "" : "/v2.0";

    private async Task<bool> HasExtensionAsync(string root, CancellationToken ct)
    {
        if (_extension is { } known)
            return known;
        try
        {
            await api.GetAsync("network", $"{root}/extensions/data-plane-status", ct);
            _extension = true;
        }
        catch (OpenStackApiException e) when (e.Status == HttpStatusCode.NotFound)
        {
            _extension = false;
        }
        return _extension.Value;
    }
}
