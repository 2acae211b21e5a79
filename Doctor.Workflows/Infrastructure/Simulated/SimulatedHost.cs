namespace Doctor.Workflows.Infrastructure.Simulated;

/// <summary>
/// Everything the simulated cloud knows about one host, for inspection (more than <see cref="ComputeHost"/>:
/// the reason the compute service was disabled and the data-plane status of the host's ports).
/// </summary>
public sealed record SimulatedHost(
    string Name,
    int Vcpus,
    int VcpusUsed,
    bool ComputeEnabled,
    string? DisabledReason,
    bool ForcedDown,
    string State,
    string PortsDataPlaneStatus);
