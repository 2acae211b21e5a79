using System.Collections.Concurrent;

namespace Doctor.Workflows.Notifications.Bus;

/// <summary>The inspector's recent reactions, newest last, for operators and tests to see what it did (bounded).</summary>
public sealed class InspectorReactions
{
    private const int Capacity = 1000;
    private readonly ConcurrentQueue<InspectorReaction> _recent = new();

    public void Add(InspectorReaction reaction)
    {
        _recent.Enqueue(reaction);
        while (_recent.Count > Capacity && _recent.TryDequeue(out _))
        {
        }
    }

    public IReadOnlyList<InspectorReaction> Recent => _recent.ToArray();
}
