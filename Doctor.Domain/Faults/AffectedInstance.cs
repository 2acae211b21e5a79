namespace Doctor.Domain.Faults;

/// <summary>A virtual resource a fault reaches, and the project that owns it (Doctor req. §3.3.3: notify only the owner).</summary>
public sealed record AffectedInstance(string InstanceId, string ProjectId);
