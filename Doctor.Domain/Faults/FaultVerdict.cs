namespace Doctor.Domain.Faults;

/// <summary>What the failure policy decided about one fault.</summary>
public enum FaultVerdict
{
    /// <summary>The resource is unavailable: fence it and tell its owners.</summary>
    Fence,
    /// <summary>A non-critical failure counted toward aggregation, below the threshold: recorded only.</summary>
    Counted,
    /// <summary>The host is in maintenance: not fenced; owners told only if the policy says so.</summary>
    InMaintenance,
    /// <summary>No known host matches: recorded, visible in the fault query, never an error to the monitor.</summary>
    Unmatched,
    /// <summary>The policy does not act on this type: recorded only.</summary>
    Recorded,
}
