namespace Doctor.Domain.Faults;

/// <summary>What the failure policy does with an event type.</summary>
public enum FaultAction
{
    /// <summary>The resource is unavailable at once.</summary>
    Fence,
    /// <summary>Non-critical: counts toward aggregation; N within the window make the resource unavailable.</summary>
    Aggregate,
    /// <summary>Recorded and visible in the fault query; nothing is fenced.</summary>
    Record,
    /// <summary>The resource is back: resolve its open incidents.</summary>
    Recover,
}
