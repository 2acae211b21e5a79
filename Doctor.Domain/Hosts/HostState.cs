namespace Doctor.Domain.Hosts;

/// <summary>
/// A physical resource's state (Doctor req. §5.4, "consistent resource state awareness"): <c>down</c> while fenced,
/// <c>maintenance</c> while a session (or an admin) holds it, <c>error</c> while degraded (its data plane fenced, or an
/// admin says so), <c>normal</c> otherwise. Stored and spoken in lower case (<see cref="HostStates"/>).
/// </summary>
public enum HostState
{
    Normal,
    Maintenance,
    Down,
    Error,
}
