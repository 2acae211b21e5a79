using System.Net;
using System.Text.Json.Nodes;
using Doctor.Domain.Hosts;
using Microsoft.Extensions.Logging;

namespace Doctor.Workflows.Infrastructure.OpenStack;

/// <summary>
/// The engine's cloud on a real OpenStack: Nova for hosts (its <c>nova-compute</c> services), servers, migrations,
/// force-down and reset-state; Placement for each host's vCPUs as the scheduler counts them; Neutron for ports'
/// data-plane status. Every call goes through <see cref="OpenStackHttp"/> (timeouts, retries, token renewal); refusals
/// surface as <see cref="InfrastructureActionFailedException"/> with Nova's message. <see cref="Changed"/> is raised
/// after the driver's own actions and, through <see cref="NovaNotificationListener"/>, for every change Nova announces.
/// </summary>
public sealed class OpenStackCloud : IInfrastructure
{
    /// <summary>The reason a host disabled for the physical state <c>maintenance</c> carries in Nova, when no session named one.</summary>
    public const string MaintenanceReason = "doctor: host in maintenance";

    private const int PageSize = 1000;

    private readonly OpenStackHttp _api;
    private readonly OpenStackOptions _options;
    private readonly ILogger<OpenStackCloud> _logger;
    private readonly PlacementCapacity _placement;
    private readonly NeutronPorts _ports;
    private readonly NovaMigrations _migrations;

    public OpenStackCloud(OpenStackHttp api, OpenStackOptions options, TimeProvider clock, ILogger<OpenStackCloud> logger)
    {
        _api = api;
        _options = options;
        _logger = logger;
        _placement = new PlacementCapacity(api);
        _ports = new NeutronPorts(api);
        _migrations = new NovaMigrations(api, options, clock, logger);
    }

    public event Action<InfrastructureChange>? Changed;

    public OpenStackHttp Api => _api;

    /// <summary>Raises <see cref="Changed"/>; a failing subscriber is logged, never the caller's problem.</summary>
    internal void Raise(InfrastructureChange change)
    {
        try
        {
            Changed?.Invoke(change);
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "OpenStack: a subscriber failed on {Kind} of {Target}", change.Kind, change.InstanceId ?? change.Host);
        }
    }

    // ---------------------------------------------------------------- reads

    public async Task<IReadOnlyList<ComputeHost>> ListHostsAsync(CancellationToken ct = default)
    {
        var services = ServicesAsync(ct);
        var hypervisors = (await Read("hosts", () => _api.GetAsync("compute", "/os-hypervisors/detail", ct)))["hypervisors"]?.AsArray() ?? [];
        var providers = hypervisors
            .Where(h => h?["service"]?["host"] is not null)
            .GroupBy(h => h!["service"]!["host"]!.GetValue<string>(), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First()!["id"]!.ToString(), StringComparer.Ordinal);
        var computes = await services;
        var capacities = await Task.WhenAll(computes.Select(s => providers.TryGetValue(s.Host, out var rp)
            ? Read("hosts", () => _placement.VcpusAsync(rp, ct))
            : Task.FromResult((Vcpus: 0, Used: 0))));
        return computes.Select((s, i) => new ComputeHost(s.Host, capacities[i].Vcpus, capacities[i].Used, s.Enabled, s.ForcedDown, s.State))
            .OrderBy(h => h.Name, StringComparer.Ordinal).ToList();
    }

    public async Task<IReadOnlyList<ServerInstance>> ListInstancesAsync(string? host = null, string? projectId = null, CancellationToken ct = default)
    {
        var filter = "all_tenants=1" + (host is null ? "" : $"&host={Uri.EscapeDataString(host)}") + (projectId is null ? "" : $"&project_id={Uri.EscapeDataString(projectId)}");
        var result = new List<ServerInstance>();
        string? marker = null;
        while (true)
        {
            var page = (await Read("instances", () => _api.GetAsync("compute", $"/servers/detail?{filter}&limit={PageSize}{(marker is null ? "" : $"&marker={marker}")}", ct)))["servers"]?.AsArray() ?? [];
            foreach (var node in page)
            {
                var server = NovaServer.From(node!);
                // A server that never got a host (ERROR before scheduling) is on no host: nothing to move or fence.
                if (server.Host.Length > 0 && (host is null || server.Host == host) && (projectId is null || server.ProjectId == projectId))
                    result.Add(server.ToInstance());
                marker = server.Id;
            }
            if (page.Count < PageSize)
                return result;
        }
    }

    public async Task<ServerInstance?> GetInstanceAsync(string instanceId, CancellationToken ct = default) =>
        (await ServerAsync(instanceId, ct))?.ToInstance();

    public async Task<IReadOnlyDictionary<string, string>> AntiAffinityGroupsAsync(CancellationToken ct = default)
    {
        var groups = (await Read("server groups", () => _api.GetAsync("compute", "/os-server-groups?all_projects=True&limit=1000", ct)))["server_groups"]?.AsArray() ?? [];
        var members = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in groups)
        {
            // "policy" from microversion 2.64, "policies" before it.
            var policy = group?["policy"]?.GetValue<string>() ?? group?["policies"]?.AsArray().FirstOrDefault()?.GetValue<string>();
            if (policy != "anti-affinity")
                continue;
            foreach (var member in group!["members"]?.AsArray() ?? [])
                members[member!.GetValue<string>()] = group["id"]!.GetValue<string>();
        }
        return members;
    }

    // ---------------------------------------------------------------- host actions

    public async Task SetComputeEnabledAsync(string host, bool enabled, string? reason, CancellationToken ct = default)
    {
        var service = await ServiceAsync("compute service", host, ct);
        JsonObject body = enabled
            ? new JsonObject { ["status"] = "enabled" }
            : new JsonObject { ["status"] = "disabled", ["disabled_reason"] = Truncate(reason ?? MaintenanceReason, 255) };
        await Act("compute service", host, () => _api.SendAsync("compute", HttpMethod.Put, $"/os-services/{service.Id}", body, idempotent: true, ct));
        Raise(new InfrastructureChange(InfrastructureChange.HostUpdated, null, host, null));
    }

    public async Task SetForcedDownAsync(string host, bool forcedDown, CancellationToken ct = default)
    {
        var service = await ServiceAsync("force-down", host, ct);
        await Act("force-down", host, () => _api.SendAsync("compute", HttpMethod.Put, $"/os-services/{service.Id}",
            new JsonObject { ["forced_down"] = forcedDown }, idempotent: true, ct));
        Raise(new InfrastructureChange(InfrastructureChange.HostUpdated, null, host, null));
    }

    /// <summary>
    /// Nova keeps no physical state of its own: <c>maintenance</c> disables the compute (host_status MAINTENANCE),
    /// <c>down</c> forces it down (host_status DOWN), <c>normal</c> undoes both; <c>error</c> has no Nova counterpart.
    /// </summary>
    public async Task SetHostStateAsync(string host, string state, CancellationToken ct = default)
    {
        var service = await ServiceAsync("host state", host, ct);
        switch (state?.Trim().ToLowerInvariant())
        {
            case HostStates.Maintenance when service.Enabled:
                await SetComputeEnabledAsync(host, false, MaintenanceReason, ct);
                break;
            case HostStates.Down when !service.ForcedDown:
                await SetForcedDownAsync(host, true, ct);
                break;
            case HostStates.Normal:
                if (service.ForcedDown)
                    await SetForcedDownAsync(host, false, ct);
                if (!service.Enabled)
                    await SetComputeEnabledAsync(host, true, null, ct);
                break;
            case HostStates.Maintenance or HostStates.Down:
                break;
            default:
                throw new InfrastructureActionFailedException("host state", host,
                    $"state '{state}' has no Nova counterpart: normal, maintenance (compute disabled) or down (forced down)");
        }
    }

    public Task SetPortsDataPlaneStatusAsync(string host, string status, CancellationToken ct = default) =>
        Act("ports", host, () => _ports.SetDataPlaneStatusAsync(host, status, ct));

    // ---------------------------------------------------------------- instance actions

    public async Task ResetInstanceStateAsync(string instanceId, string status, CancellationToken ct = default)
    {
        var state = status.Trim().ToLowerInvariant();
        if (state is not ("active" or "error"))
            throw new InfrastructureActionFailedException("reset-state", instanceId, $"status '{status}' is not ACTIVE or ERROR");
        await Act("reset-state", instanceId, () => _api.SendAsync("compute", HttpMethod.Post, $"/servers/{instanceId}/action",
            new JsonObject { ["os-resetState"] = new JsonObject { ["state"] = state } }, idempotent: true, ct));
        if (await ServerAsync(instanceId, ct) is { } server)
            Raise(new InfrastructureChange(InfrastructureChange.InstanceUpdated, server.Id, server.Host, server.ProjectId));
    }

    public Task<ServerInstance> MigrateAsync(string instanceId, bool live, CancellationToken ct = default) => MigrateAsync(instanceId, live, [], ct);

    public async Task<ServerInstance> MigrateAsync(string instanceId, bool live, IReadOnlyCollection<string> avoidHosts, CancellationToken ct = default)
    {
        var action = live ? "live migration" : "migration";
        var server = await ServerAsync(instanceId, ct) ?? throw new InfrastructureActionFailedException(action, instanceId, "Nova knows no such server");
        // A member of a Nova anti-affinity group is Nova's to keep apart (its scheduler enforces the group, and refuses in
        // its own words); others are kept off their constraint group's hosts by naming the target.
        var target = avoidHosts.Count == 0 || (await AntiAffinityGroupsAsync(ct)).ContainsKey(server.Id)
            ? null
            : await TargetOutsideAsync(server, action, avoidHosts, ct);
        var moved = await _migrations.MigrateAsync(server, live, target, ct);
        Raise(new InfrastructureChange(InfrastructureChange.InstanceMoved, moved.Id, moved.Host, moved.ProjectId));
        return moved.ToInstance();
    }

    public async Task<ServerInstance?> FinishMoveAsync(string instanceId, TimeSpan within, CancellationToken ct = default)
    {
        var server = await Act("migration", instanceId, () => _migrations.FinishAsync(instanceId, within, ct));
        if (server is not null)
            Raise(new InfrastructureChange(InfrastructureChange.InstanceUpdated, server.Id, server.Host, server.ProjectId));
        return server?.ToInstance();
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>
    /// Nova's migrate takes no <c>different_host</c> hint: to keep an instance off its group's hosts the driver names the
    /// target, the enabled host outside them with the most free vCPUs (the scheduler still checks it). Needs 2.56.
    /// </summary>
    private async Task<string?> TargetOutsideAsync(NovaServer server, string action, IReadOnlyCollection<string> avoid, CancellationToken ct)
    {
        if (NovaMicroversion.Parse(_options.ComputeMicroversion) < new NovaMicroversion(2, 56))
            return null;
        var target = (await ListHostsAsync(ct))
            .Where(h => h.Name != server.Host && !avoid.Contains(h.Name) && h.ComputeEnabled && !h.ForcedDown && h.State == HostStates.Normal && h.VcpusFree >= server.Vcpus)
            .OrderByDescending(h => h.VcpusFree).ThenBy(h => h.Name, StringComparer.Ordinal).FirstOrDefault();
        return target?.Name ?? throw new InfrastructureActionFailedException(action, server.Id,
            $"no enabled host with {server.Vcpus} free vCPU(s) outside {string.Join(", ", avoid.Order())} (the hosts of its anti-affinity group)");
    }

    private async Task<List<NovaComputeService>> ServicesAsync(CancellationToken ct) =>
        ((await Read("hosts", () => _api.GetAsync("compute", "/os-services?binary=nova-compute", ct)))["services"]?.AsArray() ?? [])
        .Select(s => NovaComputeService.From(s!)).ToList();

    private async Task<NovaComputeService> ServiceAsync(string action, string host, CancellationToken ct)
    {
        var services = await Act(action, host, async () =>
            ((await _api.GetAsync("compute", $"/os-services?binary=nova-compute&host={Uri.EscapeDataString(host)}", ct))["services"]?.AsArray() ?? [])
            .Select(s => NovaComputeService.From(s!)).ToList());
        return services.FirstOrDefault(s => s.Host == host) ?? throw new InfrastructureActionFailedException(action, host, "Nova has no nova-compute service on that host");
    }

    private async Task<NovaServer?> ServerAsync(string instanceId, CancellationToken ct)
    {
        try
        {
            return NovaServer.From((await _api.GetAsync("compute", $"/servers/{Uri.EscapeDataString(instanceId)}", ct))["server"]!);
        }
        catch (OpenStackApiException e) when (e.Status == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (OpenStackApiException e)
        {
            throw new InfrastructureActionFailedException("read", instanceId, NovaMigrations.Reason(e));
        }
    }

    private static async Task<T> Read<T>(string what, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (OpenStackApiException e)
        {
            throw new InfrastructureActionFailedException("read", what, NovaMigrations.Reason(e));
        }
    }

    private static async Task Act(string action, string target, Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (OpenStackApiException e)
        {
            throw new InfrastructureActionFailedException(action, target, NovaMigrations.Reason(e));
        }
    }

    private static async Task<T> Act<T>(string action, string target, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (OpenStackApiException e)
        {
            throw new InfrastructureActionFailedException(action, target, NovaMigrations.Reason(e));
        }
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];
}
