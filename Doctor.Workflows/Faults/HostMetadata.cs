using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Doctor.Workflows.Faults;

/// <summary>The metadata an admin attached to a physical resource with its last state change (in memory).</summary>
public sealed class HostMetadata
{
    private readonly ConcurrentDictionary<string, JsonObject> _byHost = new(StringComparer.Ordinal);

    public JsonObject? Of(string host) => _byHost.TryGetValue(host, out var m) ? m : null;

    public void Set(string host, JsonObject? metadata)
    {
        if (metadata is null)
            _byHost.TryRemove(host, out _);
        else
            _byHost[host] = metadata;
    }
}
