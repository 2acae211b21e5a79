using System.Text.Json.Serialization;
using Doctor.Domain.Hosts;
using Doctor.Workflows.Infrastructure.Simulated;

namespace Doctor.AdminApi.Infrastructure;

/// <summary>
/// A host of the simulated cloud (CONTRACTS.md "Simulated cloud"; the fields after <c>state</c> are our additions).
/// <c>state</c> is the host's physical resource state (stream <c>host-{name}</c>), the same StateQuery answers.
/// </summary>
public sealed record InfraHostResponse(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("vcpus")] int Vcpus,
    [property: JsonPropertyName("vcpus_used")] int VcpusUsed,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("compute_enabled")] bool ComputeEnabled,
    [property: JsonPropertyName("disabled_reason")] string? DisabledReason,
    [property: JsonPropertyName("forced_down")] bool ForcedDown,
    [property: JsonPropertyName("ports_data_plane_status")] string PortsDataPlaneStatus)
{
    public static InfraHostResponse From(SimulatedHost host) =>
        new(host.Name, host.Vcpus, host.VcpusUsed, host.State, host.ComputeEnabled, host.DisabledReason, host.ForcedDown, host.PortsDataPlaneStatus);

    public static InfraHostResponse From(SimulatedHost host, PhysicalResourceState state) =>
        new(host.Name, host.Vcpus, host.VcpusUsed, state.State.Name(), host.ComputeEnabled, host.DisabledReason, host.ForcedDown, host.PortsDataPlaneStatus);
}
