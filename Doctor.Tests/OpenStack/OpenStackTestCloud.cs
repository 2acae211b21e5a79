using System.Net;
using System.Text.Json.Nodes;
using Doctor.Workflows.Infrastructure.OpenStack;
using Microsoft.Extensions.Logging.Abstractions;

namespace Doctor.Tests.OpenStack;

/// <summary>
/// The real OpenStack that ./test.sh starts with <c>tools/openstack-node.sh</c> (settings in <c>DOCTOR_TEST_OPENSTACK_*</c>):
/// Keystone, Placement, Neutron and Nova with three fake computes of 2 vCPUs each. Gives the settings that point Doctor's
/// <c>openstack</c> driver at it, and API sessions as the admin and as the projects <c>demo</c> and <c>other</c>.
/// </summary>
public sealed class OpenStackTestCloud
{
    private static readonly Lazy<OpenStackTestCloud> Shared = new(() => new OpenStackTestCloud());

    private OpenStackTestCloud()
    {
        AuthUrl = Env("AUTH_URL");
        Region = Env("REGION");
        NotificationsUrl = Env("NOTIFICATIONS_URL");
        Hosts = Env("HOSTS").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Flavor = Env("FLAVOR");
        Image = Env("IMAGE");
        DemoProjectId = Env("DEMO_PROJECT_ID");
        OtherProjectId = Env("OTHER_PROJECT_ID");
        Admin = Session(Env("ADMIN_USER"), Env("ADMIN_PASSWORD"), Env("ADMIN_PROJECT"));
        Demo = Session(Env("DEMO_USER"), Env("DEMO_PASSWORD"), Env("DEMO_PROJECT"));
        Other = Session(Env("OTHER_USER"), Env("OTHER_PASSWORD"), Env("OTHER_PROJECT"));
    }

    public static OpenStackTestCloud Instance => Shared.Value;

    public string AuthUrl { get; }
    public string Region { get; }
    public string NotificationsUrl { get; }
    public IReadOnlyList<string> Hosts { get; }
    public string Flavor { get; }
    public string Image { get; }
    public string DemoProjectId { get; }
    public string OtherProjectId { get; }
    public OpenStackHttp Admin { get; }
    public OpenStackHttp Demo { get; }
    public OpenStackHttp Other { get; }

    /// <summary>Doctor's settings for the <c>openstack</c> driver on this cloud, as its service user, with test-sized waits.</summary>
    public Dictionary<string, string?> DoctorSettings(bool notifications = true) => new()
    {
        ["Doctor:Cloud:Driver"] = "openstack",
        ["Doctor:Cloud:OpenStack:AuthUrl"] = AuthUrl,
        ["Doctor:Cloud:OpenStack:Username"] = Env("SERVICE_USER"),
        ["Doctor:Cloud:OpenStack:Password"] = Env("SERVICE_PASSWORD"),
        ["Doctor:Cloud:OpenStack:ProjectName"] = Env("SERVICE_PROJECT"),
        ["Doctor:Cloud:OpenStack:RegionName"] = Region,
        ["Doctor:Cloud:OpenStack:NotificationsUrl"] = notifications ? NotificationsUrl : "",
        ["Doctor:Cloud:OpenStack:MigrationTimeout"] = "00:01:30",
        ["Doctor:Cloud:OpenStack:PollInterval"] = "00:00:00.250",
    };

    public OpenStackHttp Session(string user, string password, string project)
    {
        var options = new OpenStackOptions { AuthUrl = AuthUrl, Username = user, Password = password, ProjectName = project, RegionName = Region };
        var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        return new OpenStackHttp(http, new KeystoneSession(http, options, TimeProvider.System, NullLogger<KeystoneSession>.Instance), options,
            NullLogger<OpenStackHttp>.Instance);
    }

    /// <summary>Every server of the project, as the admin sees them.</summary>
    public async Task<List<JsonNode>> ServersAsync(string projectId) =>
        ((await Admin.GetAsync("compute", $"/servers/detail?all_tenants=1&project_id={projectId}", CancellationToken.None))["servers"]!.AsArray())
        .Select(s => s!).ToList();

    public async Task<JsonNode?> ServerAsync(string id)
    {
        try
        {
            return (await Admin.GetAsync("compute", $"/servers/{id}", CancellationToken.None))["server"];
        }
        catch (OpenStackApiException e) when (e.Status == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Boots a server (no network) and waits for it to be ACTIVE, or returns it as it ended (ERROR: no valid host).</summary>
    public async Task<JsonNode> BootAsync(OpenStackHttp project, string name, string? group = null, bool waitActive = true)
    {
        var server = new JsonObject { ["name"] = name, ["flavorRef"] = Flavor, ["imageRef"] = Image, ["networks"] = "none" };
        var body = new JsonObject { ["server"] = server };
        if (group is not null)
            body["os:scheduler_hints"] = new JsonObject { ["group"] = group };
        var id = (await project.SendAsync("compute", HttpMethod.Post, "/servers", body, idempotent: false, CancellationToken.None)).Body!["server"]!["id"]!.GetValue<string>();
        return await WaitAsync(id, s => s["status"]!.GetValue<string>() is "ACTIVE" or "ERROR", TimeSpan.FromSeconds(60), waitActive);
    }

    public async Task<JsonNode> WaitAsync(string id, Func<JsonNode, bool> until, TimeSpan within, bool throwOnTimeout = true)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var server = await ServerAsync(id) ?? throw new InvalidOperationException($"server {id} is gone");
            if (until(server))
                return server;
            if (DateTime.UtcNow > deadline)
                return throwOnTimeout ? throw new TimeoutException($"server {id}: {server.ToJsonString()}") : server;
            await Task.Delay(250);
        }
    }

    public async Task DeleteServersAsync(string projectId)
    {
        var servers = await ServersAsync(projectId);
        foreach (var s in servers)
            await Admin.SendAsync("compute", HttpMethod.Delete, $"/servers/{s["id"]!.GetValue<string>()}", null, idempotent: true, CancellationToken.None);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((await ServersAsync(projectId)).Count > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(250);
    }

    /// <summary>Puts every compute back as a test found it: enabled, not forced down.</summary>
    public async Task RestoreComputesAsync()
    {
        var services = (await Admin.GetAsync("compute", "/os-services?binary=nova-compute", CancellationToken.None))["services"]!.AsArray();
        foreach (var s in services)
        {
            var id = s!["id"]!.ToString();
            if (s["forced_down"]?.GetValue<bool>() == true)
                await Admin.SendAsync("compute", HttpMethod.Put, $"/os-services/{id}", new JsonObject { ["forced_down"] = false }, true, CancellationToken.None);
            if (s["status"]?.GetValue<string>() != "enabled")
                await Admin.SendAsync("compute", HttpMethod.Put, $"/os-services/{id}", new JsonObject { ["status"] = "enabled" }, true, CancellationToken.None);
        }
    }

    public async Task<JsonObject> ServiceAsync(string host) =>
        (JsonObject)(await Admin.GetAsync("compute", $"/os-services?binary=nova-compute&host={host}", CancellationToken.None))["services"]![0]!;

    /// <summary>Nova's migrations of a server (cold, live, evacuation), oldest first.</summary>
    public async Task<List<JsonNode>> MigrationsAsync(string serverId) =>
        ((await Admin.GetAsync("compute", $"/os-migrations?instance_uuid={serverId}", CancellationToken.None))["migrations"]!.AsArray())
        .Select(m => m!).OrderBy(m => m["created_at"]!.GetValue<string>(), StringComparer.Ordinal).ToList();

    private static string Env(string key) =>
        Environment.GetEnvironmentVariable($"DOCTOR_TEST_OPENSTACK_{key}") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"DOCTOR_TEST_OPENSTACK_{key} is not set: run the suite with ./test.sh, which starts a local OpenStack (tools/openstack-node.sh) and sets it.");
}
