using Doctor.Domain.Hosts;

namespace Doctor.Domain.Faults;

/// <summary>
/// What the failure policy's verdict depends on for one reported event: the rule for its type (action, what it
/// affects), whether its host is known, that host's state (<see cref="PhysicalResource"/>) and whether the cloud's last
/// listing shows it in maintenance (not yet folded into that state), and whether an admin ordered it (an explicit
/// StateChange down or force-down fences even a host in maintenance).
/// </summary>
public sealed record FaultAssessment(
    string FaultType,
    FaultAction Action,
    string Affects,
    string? ReportedHost,
    bool HostKnown,
    PhysicalResourceState Host,
    bool ObservedInMaintenance,
    bool ExplicitCommand,
    bool NotifyInMaintenance);
