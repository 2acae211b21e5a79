using System.Collections.Concurrent;
using Doctor.Workflows.Infrastructure;

namespace Doctor.Tests.Infrastructure.Simulated;

/// <summary>Collects what an <see cref="IInfrastructure"/> raises on <see cref="IInfrastructure.Changed"/>.</summary>
internal sealed class ChangeRecorder
{
    private readonly ConcurrentQueue<InfrastructureChange> _changes = new();

    public ChangeRecorder(IInfrastructure cloud) => cloud.Changed += _changes.Enqueue;

    public IReadOnlyList<InfrastructureChange> Changes => _changes.ToArray();

    public void Clear() => _changes.Clear();
}
