namespace Doctor.Workflows.Faults;

/// <summary>Before fault management is registered: nothing is known to be faulty.</summary>
public sealed class NoActiveFaults : IActiveFaults
{
    public Task<IReadOnlyList<ResourceFault>> ForResourcesAsync(IReadOnlyCollection<string> resourceIds, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<ResourceFault>>([]);
}
