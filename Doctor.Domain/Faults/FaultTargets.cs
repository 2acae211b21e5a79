namespace Doctor.Domain.Faults;

/// <summary>What a fencing fault makes unavailable: the whole host, or only the data-plane ports bound on it.</summary>
public static class FaultTargets
{
    public const string Host = "host";
    public const string Ports = "ports";
}
