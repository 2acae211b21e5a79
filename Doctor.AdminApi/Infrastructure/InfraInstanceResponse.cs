using System.Text.Json.Serialization;
using Doctor.Workflows.Infrastructure;

namespace Doctor.AdminApi.Infrastructure;

/// <summary>An instance of the simulated cloud (CONTRACTS.md "Simulated cloud").</summary>
public sealed record InfraInstanceResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("host")] string Host,
    [property: JsonPropertyName("project_id")] string ProjectId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("host_status")] string HostStatus,
    [property: JsonPropertyName("floating_ip")] string? FloatingIp,
    [property: JsonPropertyName("vcpus")] int Vcpus)
{
    public static InfraInstanceResponse From(ServerInstance instance) =>
        new(instance.Id, instance.Name, instance.Host, instance.ProjectId, instance.Status, instance.HostStatus, instance.FloatingIp, instance.Vcpus);
}
