using System.Collections.Concurrent;
using Doctor.Workflows.Faults;

namespace Doctor.Tests.Notifications;

/// <summary>An in-memory <see cref="IActiveFaults"/> the tests fill, standing in for fault management's store.</summary>
public sealed class KnownFaults : IActiveFaults
{
    private readonly ConcurrentQueue<ResourceFault> _faults = new();

    public void Add(ResourceFault fault) => _faults.Enqueue(fault);

    public Task<IReadOnlyList<ResourceFault>> ForResourcesAsync(IReadOnlyCollection<string> resourceIds, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<ResourceFault>>([.. _faults.Where(f => resourceIds.Contains(f.ResourceId))]);
}
