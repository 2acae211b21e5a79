namespace Doctor.Workflows.Infrastructure;

/// <summary>
/// A compute host as the engine sees it. <paramref name="State"/> is the physical resource state
/// (<c>normal</c>, <c>maintenance</c>, <c>down</c>, <c>error</c>); <paramref name="ComputeEnabled"/> is the compute service
/// (disabled hosts take no new instances); <paramref name="ForcedDown"/> is Nova's force-down flag.
/// </summary>
public sealed record ComputeHost(string Name, int Vcpus, int VcpusUsed, bool ComputeEnabled, bool ForcedDown, string State)
{
    public int VcpusFree => Vcpus - VcpusUsed;
}
