using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Alarms;

/// <summary><c>GET /</c>: Aodh's versions document, <c>{"versions": {"values": [...]}}</c>, read by Aodh clients and load balancers.</summary>
public sealed record ApiVersionsView([property: JsonPropertyName("versions")] ApiVersionListView Versions)
{
    /// <summary>Aodh's one version, v2, released 2013-02-13, with links under <paramref name="hostUrl"/> (scheme and host of the request).</summary>
    public static ApiVersionsView For(string hostUrl) => new(new ApiVersionListView(
    [
        new ApiVersionView("v2",
            [new ApiLinkView($"{hostUrl}/v2", "self", null), new ApiLinkView("https://docs.openstack.org/", "describedby", "text/html")],
            [new ApiMediaTypeView("application/json", "application/vnd.openstack.telemetry-v2+json"),
             new ApiMediaTypeView("application/xml", "application/vnd.openstack.telemetry-v2+xml")],
            "stable", "2013-02-13T00:00:00Z"),
    ]));
}
