using System.Text.Json.Nodes;

namespace Doctor.Workflows.Infrastructure.OpenStack;

/// <summary>What the driver reads of a Nova server (admin view, microversion ≥ 2.47 for the embedded flavor).</summary>
internal sealed record NovaServer(string Id, string Name, string Host, string ProjectId, string Status, string? TaskState, string HostStatus,
    string? FloatingIp, int Vcpus, string? FaultMessage)
{
    public const string Active = "ACTIVE";
    public const string Error = "ERROR";
    public const string VerifyResize = "VERIFY_RESIZE";

    /// <summary>Nova is still working on it: a task runs, or a migration or resize is under way.</summary>
    public bool Busy => TaskState is not null || Status is "MIGRATING" or "RESIZE" or "BUILD" or "REBUILD";

    public ServerInstance ToInstance() => new(Id, Name, Host, ProjectId, Status, HostStatus, FloatingIp, Vcpus);

    public static NovaServer From(JsonNode server)
    {
        string? floating = null;
        if (server["addresses"] is JsonObject networks)
        {
            floating = networks.Select(n => n.Value).OfType<JsonArray>().SelectMany(a => a)
                .FirstOrDefault(a => a?["OS-EXT-IPS:type"]?.GetValue<string>() == "floating")?["addr"]?.GetValue<string>();
        }
        return new NovaServer(
            server["id"]!.GetValue<string>(),
            server["name"]?.GetValue<string>() ?? "",
            server["OS-EXT-SRV-ATTR:host"]?.GetValue<string>() ?? "",
            server["tenant_id"]?.GetValue<string>() ?? "",
            server["status"]?.GetValue<string>() ?? "",
            server["OS-EXT-STS:task_state"]?.GetValue<string>(),
            server["host_status"]?.GetValue<string>() ?? "",
            floating,
            server["flavor"]?["vcpus"]?.GetValue<int>() ?? 0,
            server["fault"]?["message"]?.GetValue<string>());
    }
}
