using Doctor.Domain.Faults;
using Doctor.Workflows.Infrastructure;

namespace Doctor.Workflows.Faults;

/// <summary>
/// The inspector's cache of host → instances → owner (DESIGN.md §8): loaded at start, kept current from
/// <see cref="IInfrastructure.Changed"/>, re-snapshotted periodically with drift corrected and counted. The fault
/// path reads only this, never the driver's lists. Thread-safe behind one lock; a read copies one host's entry.
/// </summary>
public sealed class ResourceMap
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, HostEntry> _hosts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Host, string Project)> _instances = new(StringComparer.Ordinal);
    private long _drift;
    private long _snapshots;

    /// <summary>Instances added, removed or moved by re-snapshots because the change feed had missed them, since start.</summary>
    public long DriftCorrected => Interlocked.Read(ref _drift);

    /// <summary>Full snapshots taken since start.</summary>
    public long Snapshots => Interlocked.Read(ref _snapshots);

    public int InstanceCount
    {
        get
        {
            lock (_gate)
                return _instances.Count;
        }
    }

    public MappedHost? Host(string name)
    {
        lock (_gate)
        {
            if (!_hosts.TryGetValue(name, out var entry))
                return null;
            var instances = new AffectedInstance[entry.Instances.Count];
            var i = 0;
            foreach (var (id, project) in entry.Instances)
                instances[i++] = new AffectedInstance(id, project);
            Array.Sort(instances, (a, b) => string.CompareOrdinal(a.InstanceId, b.InstanceId));
            return new MappedHost(name, entry.State, entry.ForcedDown, instances);
        }
    }

    /// <summary>The owner and host of an instance, or null when the map does not know it.</summary>
    public (string Host, string Project)? Instance(string instanceId)
    {
        lock (_gate)
            return _instances.TryGetValue(instanceId, out var found) ? found : null;
    }

    /// <summary>Applies an instance change from the driver's feed (host changes need the host list: <see cref="UpdateHosts"/>).</summary>
    public void Apply(InfrastructureChange change)
    {
        if (change.InstanceId is null)
            return;
        lock (_gate)
        {
            switch (change.Kind)
            {
                case InfrastructureChange.InstanceDeleted:
                    Remove(change.InstanceId);
                    break;
                case InfrastructureChange.InstanceCreated or InfrastructureChange.InstanceMoved or InfrastructureChange.InstanceUpdated
                    when change.Host is not null && change.ProjectId is not null:
                    Place(change.InstanceId, change.Host, change.ProjectId);
                    break;
            }
        }
    }

    /// <summary>Host states and flags as listed by the driver; hosts not listed are dropped with their instances.</summary>
    public void UpdateHosts(IReadOnlyList<ComputeHost> hosts)
    {
        lock (_gate)
        {
            foreach (var host in hosts)
            {
                var entry = Entry(host.Name);
                entry.State = host.State;
                entry.ForcedDown = host.ForcedDown;
            }
            var listed = hosts.Select(h => h.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var gone in _hosts.Keys.Where(h => !listed.Contains(h)).ToList())
            {
                foreach (var id in _hosts[gone].Instances.Keys.ToList())
                    _instances.Remove(id);
                _hosts.Remove(gone);
            }
        }
    }

    /// <summary>Replaces the map with a full listing; returns how many instances it had wrong (missing, extra, elsewhere).</summary>
    public int Replace(IReadOnlyList<ComputeHost> hosts, IReadOnlyList<ServerInstance> instances, bool countDrift)
    {
        var drift = 0;
        lock (_gate)
        {
            UpdateHosts(hosts);
            var listed = new HashSet<string>(instances.Count, StringComparer.Ordinal);
            foreach (var instance in instances)
            {
                listed.Add(instance.Id);
                if (!_instances.TryGetValue(instance.Id, out var known) || known.Host != instance.Host || known.Project != instance.ProjectId)
                {
                    drift++;
                    Place(instance.Id, instance.Host, instance.ProjectId);
                }
            }
            foreach (var extra in _instances.Keys.Where(id => !listed.Contains(id)).ToList())
            {
                drift++;
                Remove(extra);
            }
        }
        Interlocked.Increment(ref _snapshots);
        if (countDrift)
            Interlocked.Add(ref _drift, drift);
        return countDrift ? drift : 0;
    }

    private void Place(string instanceId, string host, string project)
    {
        if (_instances.TryGetValue(instanceId, out var known) && known.Host != host && _hosts.TryGetValue(known.Host, out var old))
            old.Instances.Remove(instanceId);
        _instances[instanceId] = (host, project);
        Entry(host).Instances[instanceId] = project;
    }

    private void Remove(string instanceId)
    {
        if (_instances.Remove(instanceId, out var known) && _hosts.TryGetValue(known.Host, out var entry))
            entry.Instances.Remove(instanceId);
    }

    private HostEntry Entry(string host)
    {
        if (!_hosts.TryGetValue(host, out var entry))
            _hosts[host] = entry = new HostEntry();
        return entry;
    }

    private sealed class HostEntry
    {
        public string State { get; set; } = Doctor.Domain.Hosts.HostStates.Normal;
        public bool ForcedDown { get; set; }
        public Dictionary<string, string> Instances { get; } = new(StringComparer.Ordinal);
    }
}
