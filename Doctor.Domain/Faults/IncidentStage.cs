namespace Doctor.Domain.Faults;

/// <summary>A named moment of the fast path (received, policy_decided, correlated, appended, ...), for the profile.</summary>
public sealed record IncidentStage(string Name, DateTimeOffset At);
