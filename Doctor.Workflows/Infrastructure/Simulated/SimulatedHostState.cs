namespace Doctor.Workflows.Infrastructure.Simulated;

/// <summary>The mutable record of one host inside <see cref="SimulatedCloud"/>; only touched under the cloud's lock.</summary>
internal sealed class SimulatedHostState(string name, int vcpus)
{
    public string Name { get; } = name;
    public int Vcpus { get; } = vcpus;

    /// <summary>vCPUs of the instances on the host plus those reserved by migrations coming in.</summary>
    public int VcpusUsed { get; set; }

    public bool ComputeEnabled { get; set; } = true;
    public string? DisabledReason { get; set; }
    public bool ForcedDown { get; set; }
    public string State { get; set; } = SimulatedCloud.HostStateNormal;
    public string PortsDataPlaneStatus { get; set; } = SimulatedCloud.PortUp;

    /// <summary>Instances placed here, by id (ordinal), so listing a host is ordered and needs no sort.</summary>
    public SortedDictionary<string, SimulatedInstanceState> Instances { get; } = new(StringComparer.Ordinal);

    public int VcpusFree => Vcpus - VcpusUsed;

    /// <summary>Nova's host_status as the simulation derives it from the host.</summary>
    public string HostStatus =>
        ForcedDown || State == SimulatedCloud.HostStateDown ? "DOWN"
        : State == SimulatedCloud.HostStateMaintenance ? "MAINTENANCE"
        : "UP";

    public SimulatedHost ToView() =>
        new(Name, Vcpus, VcpusUsed, ComputeEnabled, DisabledReason, ForcedDown, State, PortsDataPlaneStatus);

    public ComputeHost ToComputeHost() => new(Name, Vcpus, VcpusUsed, ComputeEnabled, ForcedDown, State);
}
