using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Doctor.Workflows.Infrastructure.Simulated;

/// <summary>
/// The default controller (DESIGN.md §9): an in-process cloud with vCPU capacity, a scheduler, action latency and
/// failure injection. Thread-safe behind one lock; instances are indexed by id, by host and by project so that listing
/// a host and migrating off it stay cheap at 100 hosts × 1,000 instances. Listings are ordered by host name and by
/// instance id (ordinal). <see cref="Changed"/> is raised after every change, outside the lock; an instance event
/// stands for the capacity change it causes on its hosts too.
/// </summary>
public sealed class SimulatedCloud : IInfrastructure
{
    public const string HostStateNormal = Doctor.Domain.Hosts.HostStates.Normal;
    public const string HostStateMaintenance = Doctor.Domain.Hosts.HostStates.Maintenance;
    public const string HostStateDown = Doctor.Domain.Hosts.HostStates.Down;
    public const string HostStateError = Doctor.Domain.Hosts.HostStates.Error;

    public const string StatusActive = "ACTIVE";
    public const string StatusError = "ERROR";
    public const string StatusMigrating = "MIGRATING";

    public const string PortUp = "UP";
    public const string PortDown = "DOWN";

    /// <summary>The largest instance the cloud accepts; anything bigger is a typo, not a flavor.</summary>
    public const int MaxInstanceVcpus = 1024;

    /// <summary>The largest host the cloud accepts (room for 1,000 instances per host and far more).</summary>
    public const int MaxHostVcpus = 1 << 20;

    /// <summary>The <see cref="InfrastructureActionFailedException.Reason"/> of a failure set up by <see cref="InjectFailure"/>.</summary>
    public const string InjectedFailureReason = "injected failure";

    private static readonly TimeSpan FinishMovePoll = TimeSpan.FromMilliseconds(200);

    /// <summary>How long past due a persisted cloud waits for a migration's own caller before finishing it itself.</summary>
    internal static readonly TimeSpan SettleGrace = TimeSpan.FromSeconds(10);

    private const int MaxNameLength = 255;
    private static readonly string[] HostStates = [HostStateNormal, HostStateMaintenance, HostStateDown, HostStateError];

    private readonly Lock _gate = new();
    private readonly TimeSpan _latency;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly List<InjectedFailure> _failures = [];
    private readonly SimulatedCloudStore? _store;
    private long _nextIncarnation = 1;

    // The topology; Seed swaps all of these at once, so a migration in flight can tell by reference that its
    // instance no longer exists.
    private SimulatedHostState[] _hostsInOrder = [];
    private Dictionary<string, SimulatedHostState> _hosts = new(StringComparer.Ordinal);
    private Dictionary<string, SimulatedInstanceState> _instances = new(StringComparer.Ordinal);
    private SortedDictionary<string, SimulatedInstanceState> _instancesInOrder = new(StringComparer.Ordinal);
    private Dictionary<string, SortedDictionary<string, SimulatedInstanceState>> _instancesByProject = new(StringComparer.Ordinal);
    private Dictionary<string, SimulatedInstanceState> _floatingIps = new(StringComparer.Ordinal);

    /// <summary>A cloud seeded with the topology named by <paramref name="options"/> (<see cref="SimulatedTopologies"/>).</summary>
    public SimulatedCloud(SimulatedCloudOptions options, TimeProvider? timeProvider = null, ILogger<SimulatedCloud>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ActionLatency < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), $"{SimulatedCloudOptions.Section}:ActionLatencyMs: must be 0 or more");
        var topology = SimulatedTopologies.Find(options.Topology)
            ?? throw new ArgumentException(UnknownTopologyMessage(options.Topology), nameof(options));
        _latency = options.ActionLatency;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        Seed(topology);
    }

    /// <summary>
    /// A cloud whose state lives in PostgreSQL (<c>doctor.simulated_cloud</c>, one row): every operation is one
    /// transaction on that row, locked, so it survives a crash and every node on the database sees one cloud. The
    /// topology named by <paramref name="options"/> seeds the row only when there is none yet.
    /// </summary>
    public SimulatedCloud(SimulatedCloudOptions options, NpgsqlDataSource dataSource, TimeProvider? timeProvider = null, ILogger<SimulatedCloud>? logger = null)
        : this(options, timeProvider, logger)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _store = new SimulatedCloudStore(dataSource, Export(), _logger);
    }

    /// <summary>An empty cloud whose migrations take no time.</summary>
    public SimulatedCloud() : this(new SimulatedCloudOptions { Topology = SimulatedTopologies.EmptyName })
    {
    }

    public event Action<InfrastructureChange>? Changed;

    internal static string UnknownTopologyMessage(string? name) =>
        $"{SimulatedCloudOptions.Section}:Topology: unknown topology '{name}' (expected one of {string.Join(", ", SimulatedTopologies.Names)})";

    // ---------------------------------------------------------------- IInfrastructure: reads

    public Task<IReadOnlyList<ComputeHost>> ListHostsAsync(CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        lock (_gate)
        {
            _store?.Refresh(this);
            var hosts = new ComputeHost[_hostsInOrder.Length];
            for (var i = 0; i < hosts.Length; i++)
                hosts[i] = _hostsInOrder[i].ToComputeHost();
            return Task.FromResult<IReadOnlyList<ComputeHost>>(hosts);
        }
    }

    public Task<IReadOnlyList<ServerInstance>> ListInstancesAsync(string? host = null, string? projectId = null, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        lock (_gate)
        {
            _store?.Refresh(this);
            ICollection<SimulatedInstanceState> byHost = host is null ? _instancesInOrder.Values
                : _hosts.TryGetValue(host, out var h) ? h.Instances.Values : [];
            ICollection<SimulatedInstanceState> byProject = projectId is null ? _instancesInOrder.Values
                : _instancesByProject.TryGetValue(projectId, out var p) ? p.Values : [];

            // Walk the smaller index and filter by the other criterion.
            var walk = byHost.Count <= byProject.Count ? byHost : byProject;
            var result = new List<ServerInstance>(walk.Count);
            foreach (var instance in walk)
            {
                if ((host is null || instance.Host.Name == host) && (projectId is null || instance.ProjectId == projectId))
                    result.Add(instance.ToView());
            }
            return Task.FromResult<IReadOnlyList<ServerInstance>>(result);
        }
    }

    public Task<ServerInstance?> GetInstanceAsync(string instanceId, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        lock (_gate)
        {
            _store?.Refresh(this);
            return Task.FromResult(_instances.TryGetValue(instanceId, out var instance) ? instance.ToView() : null);
        }
    }

    // ---------------------------------------------------------------- IInfrastructure: host actions

    public Task SetComputeEnabledAsync(string host, bool enabled, string? reason, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        InfrastructureChange? change = null;
        lock (_gate)
        {
            using var unit = _store?.BeginWrite(this);
            var h = HostForAction(SimulatedActions.ComputeService, host);
            var newReason = enabled ? null : reason;
            if (h.ComputeEnabled != enabled || h.DisabledReason != newReason)
            {
                h.ComputeEnabled = enabled;
                h.DisabledReason = newReason;
                change = HostUpdated(h);
            }
        }
        Raise(change);
        return Task.CompletedTask;
    }

    public Task SetForcedDownAsync(string host, bool forcedDown, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        InfrastructureChange? change = null;
        lock (_gate)
        {
            using var unit = _store?.BeginWrite(this);
            var h = HostForAction(SimulatedActions.ForceDown, host);
            if (h.ForcedDown != forcedDown)
            {
                h.ForcedDown = forcedDown;
                change = HostUpdated(h);
            }
        }
        Raise(change);
        return Task.CompletedTask;
    }

    public Task SetHostStateAsync(string host, string state, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        var normalized = state?.Trim().ToLowerInvariant();
        InfrastructureChange? change = null;
        lock (_gate)
        {
            using var unit = _store?.BeginWrite(this);
            var h = HostForAction(SimulatedActions.HostState, host);
            if (normalized is null || !HostStates.Contains(normalized))
                throw new InfrastructureActionFailedException(SimulatedActions.HostState, host,
                    $"state '{state}' is not one of {string.Join(", ", HostStates)}");
            if (h.State != normalized)
            {
                h.State = normalized;
                change = HostUpdated(h);
            }
        }
        Raise(change);
        return Task.CompletedTask;
    }

    public Task SetPortsDataPlaneStatusAsync(string host, string status, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        var normalized = status?.Trim().ToUpperInvariant();
        InfrastructureChange? change = null;
        lock (_gate)
        {
            using var unit = _store?.BeginWrite(this);
            var h = HostForAction(SimulatedActions.PortsStatus, host);
            if (normalized is not (PortUp or PortDown))
                throw new InfrastructureActionFailedException(SimulatedActions.PortsStatus, host, $"status '{status}' is not UP or DOWN");
            if (h.PortsDataPlaneStatus != normalized)
            {
                h.PortsDataPlaneStatus = normalized;
                change = HostUpdated(h);
            }
        }
        Raise(change);
        return Task.CompletedTask;
    }

    // ---------------------------------------------------------------- IInfrastructure: instance actions

    public Task ResetInstanceStateAsync(string instanceId, string status, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        var normalized = status?.Trim().ToUpperInvariant();
        InfrastructureChange? change = null;
        lock (_gate)
        {
            using var unit = _store?.BeginWrite(this);
            var instance = InstanceForAction(SimulatedActions.ResetState, instanceId);
            // Nova reset-state knows only these two.
            if (normalized is not (StatusActive or StatusError))
                throw new InfrastructureActionFailedException(SimulatedActions.ResetState, instanceId, $"status '{status}' is not ACTIVE or ERROR");
            if (instance.MigrationTarget is not null)
                ReleaseMigrationReservation(instance); // a reset aborts the migration under way
            if (instance.Status != normalized)
            {
                instance.Status = normalized;
                change = InstanceChange(InfrastructureChange.InstanceUpdated, instance);
            }
        }
        Raise(change);
        return Task.CompletedTask;
    }

    /// <summary>Waits while the instance shows <c>MIGRATING</c> (a migration under way finishes by itself here), up to <paramref name="within"/>.</summary>
    public async Task<ServerInstance?> FinishMoveAsync(string instanceId, TimeSpan within, CancellationToken ct = default)
    {
        var until = _time.GetUtcNow() + within;
        var now = await GetInstanceAsync(instanceId, ct);
        while (now is { Status: StatusMigrating } && _time.GetUtcNow() < until)
        {
            await Task.Delay(FinishMovePoll, ct);
            now = await GetInstanceAsync(instanceId, ct);
        }
        return now;
    }

    /// <summary>The simulated cloud has no server groups of its own: anti-affinity comes from the constraint API alone.</summary>
    public Task<IReadOnlyDictionary<string, string>> AntiAffinityGroupsAsync(CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>());

    /// <summary>
    /// Moves the instance to the enabled, normal, not forced-down host other than its own with the most free vCPUs
    /// (ties by name). With a latency configured the instance shows <c>MIGRATING</c> (and holds its vCPUs on both
    /// hosts) for that long; deleting, resetting or re-seeding meanwhile makes the migration fail, and cancelling it
    /// puts the instance back as it was. Cold and live migrations behave alike here.
    /// </summary>
    public Task<ServerInstance> MigrateAsync(string instanceId, bool live, CancellationToken ct = default) =>
        MigrateAsync(instanceId, live, [], ct);

    /// <summary>As the other overload, never onto one of <paramref name="avoidHosts"/> (anti-affinity).</summary>
    public async Task<ServerInstance> MigrateAsync(string instanceId, bool live, IReadOnlyCollection<string> avoidHosts, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        var action = live ? SimulatedActions.LiveMigrate : SimulatedActions.Migrate;
        long incarnation;
        string targetName;
        InfrastructureChange change;
        ServerInstance? movedAtOnce = null;
        lock (_gate)
        {
            using var unit = _store?.BeginWrite(this);
            var instance = InstanceForAction(action, instanceId);
            if (instance.Status != StatusActive)
                throw new InfrastructureActionFailedException(action, instanceId, $"instance is {instance.Status}, not {StatusActive}");
            if (instance.Host.HostStatus == "DOWN")
                throw new InfrastructureActionFailedException(action, instanceId, $"source host {instance.Host.Name} is down");
            var target = Schedule(instance.Vcpus, except: instance.Host, avoid: avoidHosts)
                ?? throw new InfrastructureActionFailedException(action, instanceId,
                    $"no other enabled host in state normal has {instance.Vcpus} free vCPUs"
                    + (avoidHosts.Count > 0 ? $" outside {string.Join(", ", avoidHosts.Order(StringComparer.Ordinal))} (anti-affinity)" : ""));
            incarnation = instance.Incarnation;
            targetName = target.Name;

            if (_latency == TimeSpan.Zero)
            {
                MoveNow(instance, target);
                movedAtOnce = instance.ToView();
                change = InstanceChange(InfrastructureChange.InstanceMoved, instance);
            }
            else
            {
                // Nova claims the destination before it moves anything: hold the vCPUs there now.
                target.VcpusUsed += instance.Vcpus;
                instance.MigrationTarget = target;
                instance.MigrationDueAt = _time.GetUtcNow() + _latency;
                instance.Status = StatusMigrating;
                change = InstanceChange(InfrastructureChange.InstanceUpdated, instance);
            }
        }
        Raise(change);
        if (movedAtOnce is not null)
            return movedAtOnce;

        try
        {
            await Task.Delay(_latency, _time, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            InfrastructureChange? rolledBack = null;
            lock (_gate)
            {
                using var unit = _store?.BeginWrite(this);
                if (StillMigrating(instanceId, incarnation, targetName) is { } instance)
                {
                    ReleaseMigrationReservation(instance);
                    instance.Status = StatusActive;
                    rolledBack = InstanceChange(InfrastructureChange.InstanceUpdated, instance);
                }
            }
            Raise(rolledBack);
            throw;
        }

        ServerInstance result;
        InfrastructureChange? moved = null;
        lock (_gate)
        {
            using var unit = _store?.BeginWrite(this);
            if (StillMigrating(instanceId, incarnation, targetName) is { } instance)
            {
                FinishMigration(instance);
                result = instance.ToView();
                moved = InstanceChange(InfrastructureChange.InstanceMoved, instance);
            }
            else if (_instances.TryGetValue(instanceId, out var settled) && settled.Incarnation == incarnation
                     && settled.Host.Name == targetName && settled.Status == StatusActive && _store is not null)
            {
                // Another node of a persisted cloud saw the migration due and finished it (see SettleDueMigrations).
                result = settled.ToView();
            }
            else
                throw new InfrastructureActionFailedException(action, instanceId,
                    "the instance was deleted, reset or re-seeded while it migrated");
        }
        Raise(moved);
        return result;
    }

    /// <summary>
    /// A persisted cloud finishes the migrations that are due even when the caller that started them is gone (a
    /// killed node): the cloud, not its client, moves the instance. Returns the changes to raise after the unit.
    /// Only once <see cref="SettleGrace"/> past due, so a live caller, which finishes its own at due time, keeps the
    /// last word on it (and on its outcome).
    /// </summary>
    internal bool HasDueMigrations()
    {
        var now = _time.GetUtcNow() - SettleGrace;
        return _instancesInOrder.Values.Any(i => i.MigrationDueAt is { } due && due <= now);
    }

    internal List<InfrastructureChange> SettleDueMigrations()
    {
        List<InfrastructureChange> changes = [];
        var now = _time.GetUtcNow() - SettleGrace;
        foreach (var instance in _instancesInOrder.Values)
        {
            if (instance.MigrationTarget is null || instance.MigrationDueAt is not { } due || due > now)
                continue;
            FinishMigration(instance);
            changes.Add(InstanceChange(InfrastructureChange.InstanceMoved, instance));
        }
        return changes;
    }

    // ---------------------------------------------------------------- simulated-only operations

    /// <summary>Boots an instance where the scheduler places it. Bad input → <see cref="SimulatedCloudValidationException"/>; no room → <see cref="InfrastructureActionFailedException"/>.</summary>
    public ServerInstance CreateInstance(string projectId, string name, int vcpus, string? id = null)
    {
        RequireName("project_id", projectId);
        RequireName("name", name);
        RequireVcpus("vcpus", vcpus, MaxInstanceVcpus);
        if (id is not null)
            RequireName("id", id);

        ServerInstance created;
        InfrastructureChange change;
        lock (_gate)
        {
            using var unit = _store?.BeginWrite(this);
            if (id is not null && _instances.ContainsKey(id))
                throw new SimulatedCloudValidationException("id", $"an instance with id '{id}' already exists");
            ThrowIfInjected(SimulatedActions.Create, name, name, projectId);
            var host = Schedule(vcpus, except: null)
                ?? throw new InfrastructureActionFailedException(SimulatedActions.Create, name,
                    $"no enabled host in state normal has {vcpus} free vCPUs");
            var instance = new SimulatedInstanceState(id ?? Guid.NewGuid().ToString(), name, projectId, vcpus, host)
            {
                Incarnation = _nextIncarnation++,
            };
            Add(instance);
            created = instance.ToView();
            change = InstanceChange(InfrastructureChange.InstanceCreated, instance);
        }
        Raise(change);
        return created;
    }

    /// <summary>Deletes the instance (releasing its vCPUs and floating IP); false when there is no such instance.</summary>
    public bool DeleteInstance(string instanceId)
    {
        InfrastructureChange change;
        lock (_gate)
        {
            using var unit = _store?.BeginWrite(this);
            if (!_instances.TryGetValue(instanceId, out var instance))
                return false;
            ThrowIfInjected(SimulatedActions.Delete, instanceId, instance.Id, instance.Name, instance.Host.Name);
            Remove(instance);
            change = InstanceChange(InfrastructureChange.InstanceDeleted, instance);
        }
        Raise(change);
        return true;
    }

    /// <summary>
    /// Switch-over: puts floating IP <paramref name="ip"/> on the instance, taking it off whichever instance had it.
    /// Returns the instance, or null when there is no such instance. An instance already holding another floating IP
    /// refuses a second one (<see cref="InfrastructureActionFailedException"/>).
    /// </summary>
    public ServerInstance? MoveFloatingIp(string ip, string instanceId)
    {
        var address = ParseFloatingIp("ip", ip);
        List<InfrastructureChange> changes = [];
        ServerInstance moved;
        lock (_gate)
        {
            using var unit = _store?.BeginWrite(this);
            if (!_instances.TryGetValue(instanceId, out var instance))
                return null;
            ThrowIfInjected(SimulatedActions.FloatingIp, address, address, instance.Id, instance.Name);
            if (instance.FloatingIp == address)
                return instance.ToView();
            if (instance.FloatingIp is not null)
                throw new InfrastructureActionFailedException(SimulatedActions.FloatingIp, address,
                    $"instance {instance.Id} already has floating IP {instance.FloatingIp}");
            if (_floatingIps.Remove(address, out var holder))
            {
                holder.FloatingIp = null;
                changes.Add(InstanceChange(InfrastructureChange.InstanceUpdated, holder));
            }
            instance.FloatingIp = address;
            _floatingIps[address] = instance;
            changes.Add(InstanceChange(InfrastructureChange.InstanceUpdated, instance));
            moved = instance.ToView();
        }
        foreach (var change in changes)
            Raise(change);
        return moved;
    }

    /// <summary>Replaces the whole topology. Invalid input → <see cref="SimulatedCloudValidationException"/> naming the item; nothing changes then.</summary>
    public void Seed(SimulatedTopology topology)
    {
        ArgumentNullException.ThrowIfNull(topology);
        Seed(topology.Hosts, topology.Instances);
    }

    /// <inheritdoc cref="Seed(SimulatedTopology)"/>
    public void Seed(IReadOnlyList<SimulatedHostSeed> hosts, IReadOnlyList<SimulatedInstanceSeed> instances)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        ArgumentNullException.ThrowIfNull(instances);

        // Build the new topology aside and swap it in whole, so a bad seed leaves the old one untouched.
        var newHosts = new Dictionary<string, SimulatedHostState>(hosts.Count, StringComparer.Ordinal);
        for (var i = 0; i < hosts.Count; i++)
        {
            var seed = hosts[i] ?? throw new SimulatedCloudValidationException($"hosts[{i}]", "must not be null");
            RequireName($"hosts[{i}].name", seed.Name);
            RequireVcpus($"hosts[{i}].vcpus", seed.Vcpus, MaxHostVcpus);
            if (!newHosts.TryAdd(seed.Name, new SimulatedHostState(seed.Name, seed.Vcpus)))
                throw new SimulatedCloudValidationException($"hosts[{i}].name", $"duplicate host '{seed.Name}'");
        }

        var newInstances = new Dictionary<string, SimulatedInstanceState>(instances.Count, StringComparer.Ordinal);
        var newFloatingIps = new Dictionary<string, SimulatedInstanceState>(StringComparer.Ordinal);
        for (var i = 0; i < instances.Count; i++)
        {
            var seed = instances[i] ?? throw new SimulatedCloudValidationException($"instances[{i}]", "must not be null");
            if (seed.Id is not null)
                RequireName($"instances[{i}].id", seed.Id);
            RequireName($"instances[{i}].name", seed.Name);
            RequireName($"instances[{i}].project_id", seed.ProjectId);
            RequireVcpus($"instances[{i}].vcpus", seed.Vcpus, MaxInstanceVcpus);
            RequireName($"instances[{i}].host", seed.Host);
            if (!newHosts.TryGetValue(seed.Host, out var host))
                throw new SimulatedCloudValidationException($"instances[{i}].host", $"unknown host '{seed.Host}'");
            if (host.VcpusFree < seed.Vcpus)
                throw new SimulatedCloudValidationException($"instances[{i}].host",
                    $"host '{host.Name}' has {host.VcpusFree} of {host.Vcpus} vCPUs free, instance '{seed.Name}' needs {seed.Vcpus}");
            var instance = new SimulatedInstanceState(seed.Id ?? Guid.NewGuid().ToString(), seed.Name, seed.ProjectId, seed.Vcpus, host);
            if (!newInstances.TryAdd(instance.Id, instance))
                throw new SimulatedCloudValidationException($"instances[{i}].id", $"duplicate instance id '{instance.Id}'");
            if (seed.FloatingIp is not null)
            {
                var address = ParseFloatingIp($"instances[{i}].floating_ip", seed.FloatingIp);
                if (!newFloatingIps.TryAdd(address, instance))
                    throw new SimulatedCloudValidationException($"instances[{i}].floating_ip", $"floating IP {address} is already on another instance");
                instance.FloatingIp = address;
            }
            host.VcpusUsed += instance.Vcpus;
            host.Instances.Add(instance.Id, instance);
        }

        var inOrder = new SortedDictionary<string, SimulatedInstanceState>(newInstances, StringComparer.Ordinal);
        var byProject = new Dictionary<string, SortedDictionary<string, SimulatedInstanceState>>(StringComparer.Ordinal);
        foreach (var instance in newInstances.Values)
            ProjectIndex(byProject, instance.ProjectId).Add(instance.Id, instance);
        var hostsInOrder = newHosts.Values.OrderBy(h => h.Name, StringComparer.Ordinal).ToArray();

        lock (_gate)
        {
            using var unit = _store?.BeginWrite(this);
            _hosts = newHosts;
            _hostsInOrder = hostsInOrder;
            _instances = newInstances;
            _instancesInOrder = inOrder;
            _instancesByProject = byProject;
            _floatingIps = newFloatingIps;
            foreach (var instance in inOrder.Values)
                instance.Incarnation = _nextIncarnation++;
        }
        Raise(new InfrastructureChange(InfrastructureChange.TopologyReplaced, null, null, null));
    }

    /// <summary>
    /// Makes the next action that matches fail with <see cref="InfrastructureActionFailedException"/> (reason
    /// <see cref="InjectedFailureReason"/>), once. <paramref name="action"/> is one of <see cref="SimulatedActions.All"/>
    /// or <c>*</c>; <c>migrate</c> matches live migrations too. <paramref name="target"/> is <c>*</c> or what the
    /// action works on: a host name for host actions; an instance id or name, or its host's name, for instance
    /// actions; the new instance's name or project for <c>create</c>; the IP or the instance for <c>floating-ip</c>.
    /// Failures queue in order; the first match is used up.
    /// </summary>
    public void InjectFailure(string action, string target)
    {
        var normalized = action?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(normalized))
            throw new SimulatedCloudValidationException("action", "required");
        if (normalized != SimulatedActions.Any && !SimulatedActions.All.Contains(normalized))
            throw new SimulatedCloudValidationException("action",
                $"unknown action '{action}' (expected * or one of {string.Join(", ", SimulatedActions.All)})");
        RequireName("target", target);
        lock (_gate)
        {
            using var unit = _store?.BeginWrite(this);
            _failures.Add(new InjectedFailure(normalized, target));
        }
    }

    /// <summary>Drops every failure not yet used.</summary>
    public void ClearFailures()
    {
        lock (_gate)
        {
            using var unit = _store?.BeginWrite(this);
            _failures.Clear();
        }
    }

    /// <summary>Every host with its compute service, force-down, state and ports status, ordered by name.</summary>
    public IReadOnlyList<SimulatedHost> DescribeHosts()
    {
        lock (_gate)
        {
            _store?.Refresh(this);
            return Array.ConvertAll(_hostsInOrder, h => h.ToView());
        }
    }

    /// <summary>A consistent copy of the whole cloud.</summary>
    public SimulatedCloudSnapshot Snapshot()
    {
        lock (_gate)
        {
            _store?.Refresh(this);
            var instances = new List<ServerInstance>(_instancesInOrder.Count);
            foreach (var instance in _instancesInOrder.Values)
                instances.Add(instance.ToView());
            return new SimulatedCloudSnapshot(Array.ConvertAll(_hostsInOrder, h => h.ToView()), instances, _failures.ToArray());
        }
    }

    // ---------------------------------------------------------------- inside the lock

    /// <summary>The whole state as the persisted cloud stores it.</summary>
    internal SimulatedCloudDocument Export() => new(
        Array.ConvertAll(_hostsInOrder, h => new SimulatedCloudDocument.Host(h.Name, h.Vcpus, h.ComputeEnabled, h.DisabledReason, h.ForcedDown, h.State, h.PortsDataPlaneStatus)),
        _instancesInOrder.Values.Select(i => new SimulatedCloudDocument.Instance(i.Id, i.Name, i.ProjectId, i.Vcpus, i.Host.Name, i.Status,
            i.FloatingIp, i.MigrationTarget?.Name, i.MigrationDueAt, i.Incarnation)).ToArray(),
        _failures.ToArray(),
        _nextIncarnation);

    /// <summary>Replaces the whole state with one the persisted cloud loaded (no change is raised: nothing changed here).</summary>
    internal void Import(SimulatedCloudDocument document)
    {
        var hosts = new Dictionary<string, SimulatedHostState>(document.Hosts.Count, StringComparer.Ordinal);
        foreach (var h in document.Hosts)
        {
            hosts.Add(h.Name, new SimulatedHostState(h.Name, h.Vcpus)
            {
                ComputeEnabled = h.ComputeEnabled,
                DisabledReason = h.DisabledReason,
                ForcedDown = h.ForcedDown,
                State = h.State,
                PortsDataPlaneStatus = h.PortsDataPlaneStatus,
            });
        }
        var instances = new Dictionary<string, SimulatedInstanceState>(document.Instances.Count, StringComparer.Ordinal);
        var floatingIps = new Dictionary<string, SimulatedInstanceState>(StringComparer.Ordinal);
        var byProject = new Dictionary<string, SortedDictionary<string, SimulatedInstanceState>>(StringComparer.Ordinal);
        foreach (var i in document.Instances)
        {
            var host = hosts[i.Host];
            var instance = new SimulatedInstanceState(i.Id, i.Name, i.ProjectId, i.Vcpus, host)
            {
                Status = i.Status,
                FloatingIp = i.FloatingIp,
                MigrationDueAt = i.MigrationDueAt,
                Incarnation = i.Incarnation,
            };
            instances.Add(instance.Id, instance);
            host.Instances.Add(instance.Id, instance);
            host.VcpusUsed += instance.Vcpus;
            if (i.MigrationTarget is { } target)
            {
                instance.MigrationTarget = hosts[target];
                hosts[target].VcpusUsed += instance.Vcpus;
            }
            if (instance.FloatingIp is not null)
                floatingIps.Add(instance.FloatingIp, instance);
            ProjectIndex(byProject, instance.ProjectId).Add(instance.Id, instance);
        }
        _hosts = hosts;
        _hostsInOrder = hosts.Values.OrderBy(h => h.Name, StringComparer.Ordinal).ToArray();
        _instances = instances;
        _instancesInOrder = new SortedDictionary<string, SimulatedInstanceState>(instances, StringComparer.Ordinal);
        _instancesByProject = byProject;
        _floatingIps = floatingIps;
        _failures.Clear();
        _failures.AddRange(document.Failures);
        _nextIncarnation = document.NextIncarnation;
    }

    /// <summary>Raises changes a store unit produced (migrations it settled) off the caller's lock.</summary>
    internal void RaiseLater(IReadOnlyList<InfrastructureChange> changes)
    {
        if (changes.Count > 0)
            _ = Task.Run(() =>
            {
                foreach (var change in changes)
                    Raise(change);
            });
    }

    /// <summary>The enabled, normal, not forced-down host with the most free vCPUs that fits (ties: first by name).</summary>
    private SimulatedHostState? Schedule(int vcpus, SimulatedHostState? except, IReadOnlyCollection<string>? avoid = null)
    {
        SimulatedHostState? best = null;
        foreach (var host in _hostsInOrder)
        {
            if (host == except || (avoid is not null && avoid.Contains(host.Name)) || !host.ComputeEnabled || host.ForcedDown || host.State != HostStateNormal || host.VcpusFree < vcpus)
                continue;
            if (best is null || host.VcpusFree > best.VcpusFree)
                best = host;
        }
        return best;
    }

    private SimulatedHostState HostForAction(string action, string host)
    {
        if (host is null || !_hosts.TryGetValue(host, out var h))
            throw new InfrastructureActionFailedException(action, host ?? "(null)", "no such host");
        ThrowIfInjected(action, host, host);
        return h;
    }

    private SimulatedInstanceState InstanceForAction(string action, string instanceId)
    {
        if (instanceId is null || !_instances.TryGetValue(instanceId, out var instance))
            throw new InfrastructureActionFailedException(action, instanceId ?? "(null)", "no such instance");
        ThrowIfInjected(action, instanceId, instance.Id, instance.Name, instance.Host.Name);
        return instance;
    }

    private void ThrowIfInjected(string action, string target, params ReadOnlySpan<string?> keys)
    {
        if (_failures.Count == 0)
            return;
        for (var i = 0; i < _failures.Count; i++)
        {
            var failure = _failures[i];
            var actionMatches = failure.Action == SimulatedActions.Any || failure.Action == action
                || (failure.Action == SimulatedActions.Migrate && action == SimulatedActions.LiveMigrate);
            if (!actionMatches)
                continue;
            var targetMatches = failure.Target == SimulatedActions.Any;
            foreach (var key in keys)
                targetMatches |= key == failure.Target;
            if (!targetMatches)
                continue;
            _failures.RemoveAt(i);
            throw new InfrastructureActionFailedException(action, target, InjectedFailureReason);
        }
    }

    private SimulatedInstanceState? StillMigrating(string instanceId, long incarnation, string targetName) =>
        _instances.TryGetValue(instanceId, out var current) && current.Incarnation == incarnation
        && current.MigrationTarget?.Name == targetName ? current : null;

    private static void FinishMigration(SimulatedInstanceState instance)
    {
        var target = instance.MigrationTarget!;
        target.VcpusUsed -= instance.Vcpus; // MoveNow counts it again on the target
        instance.MigrationTarget = null;
        instance.MigrationDueAt = null;
        MoveNow(instance, target);
    }

    private static void ReleaseMigrationReservation(SimulatedInstanceState instance)
    {
        instance.MigrationTarget!.VcpusUsed -= instance.Vcpus;
        instance.MigrationTarget = null;
        instance.MigrationDueAt = null;
    }

    private static void MoveNow(SimulatedInstanceState instance, SimulatedHostState target)
    {
        var source = instance.Host;
        source.Instances.Remove(instance.Id);
        source.VcpusUsed -= instance.Vcpus;
        instance.Host = target;
        instance.Status = StatusActive;
        target.Instances.Add(instance.Id, instance);
        target.VcpusUsed += instance.Vcpus;
    }

    private void Add(SimulatedInstanceState instance)
    {
        _instances.Add(instance.Id, instance);
        _instancesInOrder.Add(instance.Id, instance);
        ProjectIndex(_instancesByProject, instance.ProjectId).Add(instance.Id, instance);
        instance.Host.Instances.Add(instance.Id, instance);
        instance.Host.VcpusUsed += instance.Vcpus;
    }

    private void Remove(SimulatedInstanceState instance)
    {
        _instances.Remove(instance.Id);
        _instancesInOrder.Remove(instance.Id);
        if (_instancesByProject.TryGetValue(instance.ProjectId, out var project))
        {
            project.Remove(instance.Id);
            if (project.Count == 0)
                _instancesByProject.Remove(instance.ProjectId);
        }
        instance.Host.Instances.Remove(instance.Id);
        instance.Host.VcpusUsed -= instance.Vcpus;
        if (instance.MigrationTarget is not null)
            ReleaseMigrationReservation(instance);
        if (instance.FloatingIp is not null)
        {
            _floatingIps.Remove(instance.FloatingIp);
            instance.FloatingIp = null;
        }
    }

    private static SortedDictionary<string, SimulatedInstanceState> ProjectIndex(
        Dictionary<string, SortedDictionary<string, SimulatedInstanceState>> byProject, string projectId)
    {
        if (!byProject.TryGetValue(projectId, out var index))
            byProject.Add(projectId, index = new SortedDictionary<string, SimulatedInstanceState>(StringComparer.Ordinal));
        return index;
    }

    private static InfrastructureChange HostUpdated(SimulatedHostState host) =>
        new(InfrastructureChange.HostUpdated, null, host.Name, null);

    private static InfrastructureChange InstanceChange(string kind, SimulatedInstanceState instance) =>
        new(kind, instance.Id, instance.Host.Name, instance.ProjectId);

    // ---------------------------------------------------------------- validation (no lock needed)

    private static void RequireName(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new SimulatedCloudValidationException(field, "required");
        if (value.Length > MaxNameLength)
            throw new SimulatedCloudValidationException(field, $"longer than {MaxNameLength} characters");
    }

    private static void RequireVcpus(string field, int vcpus, int max)
    {
        if (vcpus < 1 || vcpus > max)
            throw new SimulatedCloudValidationException(field, $"must be between 1 and {max}, got {vcpus}");
    }

    /// <summary>A floating IP in canonical form; IPv4 only as a full dotted quad (IPAddress.Parse would take "1" too).</summary>
    private static string ParseFloatingIp(string field, string? ip)
    {
        if (string.IsNullOrWhiteSpace(ip))
            throw new SimulatedCloudValidationException(field, "required");
        if (!IPAddress.TryParse(ip, out var address)
            || (address.AddressFamily == AddressFamily.InterNetwork && ip.Count(c => c == '.') != 3))
            throw new SimulatedCloudValidationException(field, $"'{ip}' is not an IP address");
        return address.ToString();
    }

    // ---------------------------------------------------------------- notification

    private void Raise(InfrastructureChange? change)
    {
        if (change is null || Changed is not { } handlers)
            return;
        // One failing cache must neither hide the change from the others nor make a done action look failed.
        foreach (var handler in handlers.GetInvocationList())
        {
            try
            {
                ((Action<InfrastructureChange>)handler)(change);
            }
            catch (Exception e)
            {
                _logger.LogError(e, "A handler of {Kind} for {InstanceId}/{Host} failed", change.Kind, change.InstanceId, change.Host);
            }
        }
    }
}
