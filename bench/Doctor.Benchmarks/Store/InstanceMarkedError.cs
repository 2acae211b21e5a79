namespace Doctor.Benchmarks.Store;

/// <summary>A fault-path event of realistic size (≈ 170 bytes of JSON) used as the benchmark payload.</summary>
public sealed record InstanceMarkedError(string InstanceId, string HostName, string ProjectId, string Reason, int Attempt, DateTimeOffset At);
