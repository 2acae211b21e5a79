namespace Doctor.Domain.Faults;

/// <summary>Where an incident is: <see cref="Open"/> while its resources are fenced, <see cref="Recorded"/> when nothing was fenced.</summary>
public enum IncidentStatus
{
    None,
    Open,
    Recorded,
    Resolved,
}
