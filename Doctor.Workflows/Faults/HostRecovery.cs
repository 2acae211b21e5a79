using Doctor.Domain.Faults;
using Doctor.Domain.Hosts;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Hosts;
using Doctor.Workflows.Infrastructure;
using Doctor.Workflows.Notifications;
using Microsoft.Extensions.Options;

namespace Doctor.Workflows.Faults;

/// <summary>
/// The host is back — a monitor's <c>compute.host.up</c>, the admin (force-down unset, StateChange normal), or the cloud
/// itself showing it up (<see cref="HostReconciliation"/>): force-down unset, ports UP, the instances fencing had put in
/// ERROR back to ACTIVE; then the incident is resolved and the host recovered in one write, and the owners are told the
/// recovered state.
/// </summary>
public sealed class HostRecovery(
    IncidentBook book,
    PhysicalResourceBook hosts,
    PhysicalResources resources,
    IncidentRecorder recorder,
    CloudActions actions,
    INotificationShortcut shortcut,
    IInfrastructure infrastructure,
    IOptions<FaultOptions> options,
    TimeProvider clock)
{
    /// <summary>
    /// Recovers <paramref name="host"/>; <paramref name="resolvedBy"/> is one of <see cref="PhysicalResource.ResolvedBy"/>,
    /// <paramref name="cause"/> what the incident's <c>resolved_by</c> says. With <paramref name="onlyIncident"/>, only that
    /// incident is resolved: a newer one opened meanwhile is left alone.
    /// </summary>
    public async Task<(string? IncidentId, int Notified)> RecoverAsync(string host, string resolvedBy, string cause, string actor,
        CancellationToken ct = default, string? onlyIncident = null)
    {
        await book.CatchUpOpenAsync(ct);
        var metadata = new EventMetadata(Guid.NewGuid().ToString(), null, actor, null);
        // An incident opened before host streams existed is known to the incident book only.
        var incidentId = hosts.Get(host).State.OpenIncidentId ?? book.OpenOn(host);
        if (onlyIncident is not null && incidentId != onlyIncident)
            return (null, 0);
        var incident = incidentId is null ? null : (book.Get(incidentId) ?? await book.ReloadAsync(incidentId, ct)).State;
        var failures = new List<FaultCommand>();
        await actions.AttemptAsync("force-down unset", host, () => infrastructure.SetForcedDownAsync(host, false, ct), failures);
        await actions.AttemptAsync("ports up", host, () => infrastructure.SetPortsDataPlaneStatusAsync(host, "UP", ct), failures);
        if ((await infrastructure.ListHostsAsync(ct)).FirstOrDefault(h => h.Name == host) is { State: HostStates.Down })
            await actions.AttemptAsync("host state normal", host, () => infrastructure.SetHostStateAsync(host, HostStates.Normal, ct), failures);
        Func<DateTimeOffset, PhysicalResourceCommand> recover = now => new RecoverHost(host, incidentId, resolvedBy, $"{cause} ({resolvedBy})", now);
        if (incident is not { Status: IncidentStatus.Open } || incidentId is null)
        {
            // Nothing open to resolve: the host's own flags still follow (a force-down without incident, say).
            await resources.ExecuteAsync(host, recover, metadata, ct);
            return (null, 0);
        }

        var instances = incident.Affects == FaultTargets.Host ? incident.Instances : [];
        await Parallel.ForEachAsync(instances, new ParallelOptions { MaxDegreeOfParallelism = options.Value.ActionParallelism, CancellationToken = ct },
            async (instance, token) => await actions.AttemptAsync("reset-state ACTIVE", instance.InstanceId,
                () => infrastructure.ResetInstanceStateAsync(instance.InstanceId, "ACTIVE", token), failures));
        var outbox = new FaultNotificationsEmitted(incident.Fault!, incident.Instances, [], "active", "UP", InstanceUpdates: true, Recovered: true, clock.GetUtcNow());
        List<FaultCommand> commands = [.. failures, new ResolveIncident(cause, incident.Instances.Count, clock.GetUtcNow())];
        var recorded = await recorder.ExecuteAsync(incidentId, commands, outbox, metadata, ct, recover(clock.GetUtcNow()));
        await shortcut.DeliverNowAsync(recorded, ct);
        return (incidentId, recorded.Count == 0 ? 0 : incident.Instances.Count);
    }
}
