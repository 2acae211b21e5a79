namespace Doctor.Domain.Hosts;

/// <summary>What an instance's <c>host_status</c> says of its host (Nova ≥ 2.16): derived from the state and the force-down flag.</summary>
public enum HostStatus
{
    Up,
    Down,
    Maintenance,
    Unknown,
}
