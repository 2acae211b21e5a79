namespace Doctor.Workflows.Infrastructure.Simulated;

/// <summary>
/// The whole simulated cloud as one JSON document: what <see cref="SimulatedCloudStore"/> keeps in
/// <c>doctor.simulated_cloud</c>. Used vCPUs are not stored; they follow from where the instances are.
/// </summary>
internal sealed record SimulatedCloudDocument(
    IReadOnlyList<SimulatedCloudDocument.Host> Hosts,
    IReadOnlyList<SimulatedCloudDocument.Instance> Instances,
    IReadOnlyList<InjectedFailure> Failures,
    long NextIncarnation)
{
    internal sealed record Host(string Name, int Vcpus, bool ComputeEnabled, string? DisabledReason, bool ForcedDown, string State, string PortsDataPlaneStatus);

    internal sealed record Instance(
        string Id, string Name, string ProjectId, int Vcpus, string Host, string Status, string? FloatingIp,
        string? MigrationTarget, DateTimeOffset? MigrationDueAt, long Incarnation);
}
