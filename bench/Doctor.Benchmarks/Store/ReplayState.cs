namespace Doctor.Benchmarks.Store;

/// <summary>What the replay benchmark folds the stream into: enough work that the fold cannot be optimised away.</summary>
public readonly record struct ReplayState(long Count, long AttemptSum, string? LastHost, DateTimeOffset LastAt)
{
    public ReplayState Evolve(InstanceMarkedError e) => new(Count + 1, AttemptSum + e.Attempt, e.HostName, e.At);
}
