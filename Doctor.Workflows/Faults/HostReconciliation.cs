using Doctor.Domain.Faults;
using Doctor.Domain.Hosts;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Hosts;
using Doctor.Workflows.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Doctor.Workflows.Faults;

/// <summary>
/// An incident is open only while its host is actually down. Whenever the cloud's own view is at hand — every host
/// listing of the resource map (start, a host change, the periodic re-snapshot) and before a report is taken for a
/// repeat — a fenced host that the cloud shows up and not forced down is recovered (<c>resolved_by: reconciled</c>), and
/// its owners are told as for any recovery: an operator who unsets force-down in Nova after the repair, as Doctor's
/// guideline has it, or a re-seed, would otherwise leave an incident open for ever and swallow the host's next failure.
/// </summary>
public sealed class HostReconciliation(
    IncidentBook book,
    PhysicalResourceBook hosts,
    PhysicalResources resources,
    HostRecovery recovery,
    IInfrastructure infrastructure,
    TimeProvider clock,
    ILogger<HostReconciliation> logger)
{
    public const string Actor = "reconciliation";

    /// <summary>Compares the hosts as the cloud listed them at <paramref name="observedAt"/> with their states; returns the incidents resolved.</summary>
    public async Task<int> ReconcileAsync(IReadOnlyList<ComputeHost> observed, DateTimeOffset observedAt, CancellationToken ct)
    {
        await book.CatchUpOpenAsync(ct);
        var resolved = 0;
        foreach (var host in observed)
        {
            var up = !host.ForcedDown && host.State != HostStates.Down;
            var state = hosts.Get(host.Name).State;
            if (state.IsStaleGiven(up, host.ForcedDown, observedAt))
            {
                var reason = $"the cloud showed it up and not forced down at {observedAt:O}, after it was fenced at {state.FencedAt:O}";
                var (incidentId, notified) = await recovery.RecoverAsync(host.Name, PhysicalResource.ResolvedBy.Reconciled, PhysicalResource.ResolvedBy.Reconciled,
                    Actor, ct, onlyIncident: state.OpenIncidentId);
                if (incidentId is null)
                    continue;
                resolved++;
                logger.LogInformation("Host {Host}: incident {IncidentId} resolved by reconciliation ({Reason}); {Notified} owner notifications",
                    host.Name, incidentId, reason, notified);
            }
            else if (state.OpenIncidentId is null && book.OpenOn(host.Name) is { } legacy)
            {
                resolved += await AdoptAsync(host.Name, legacy, up, ct);
            }
            await resources.ExecuteAsync(host.Name, now => new ObserveHost(host.Name, host.State == HostStates.Maintenance, now), EventMetadata.Engine(Actor), ct);
        }
        return resolved;
    }

    /// <summary>
    /// An incident opened before host streams existed: resolved when the host is up, else written into the host's
    /// stream, so that the host says down and its next report is a repeat of it.
    /// </summary>
    private async Task<int> AdoptAsync(string host, string incidentId, bool up, CancellationToken ct)
    {
        if (book.Get(incidentId) is not { State: { Status: IncidentStatus.Open } incident })
            return 0;
        if (up && incident.HostMarked)
        {
            var (resolved, _) = await recovery.RecoverAsync(host, PhysicalResource.ResolvedBy.Reconciled, PhysicalResource.ResolvedBy.Reconciled, Actor, ct,
                onlyIncident: incidentId);
            return resolved is null ? 0 : 1;
        }
        var fencedAt = incident.Stages.FirstOrDefault(s => s.Name == FaultIncident.StageNames.HostMarkedDown)?.At;
        try
        {
            await resources.ExecuteAsync(host, now => fencedAt is { } at
                ? [new DeclareHostDown(host, incidentId, incident.Affects, "incident opened before host streams", now), new ConfirmForcedDown(host, incidentId, at)]
                : [new DeclareHostDown(host, incidentId, incident.Affects, "incident opened before host streams", now)],
                EventMetadata.Engine(Actor), ct);
        }
        catch (HostAlreadyDown)
        {
            // Not an old incident after all: another node's, whose host event this node had not folded yet.
        }
        return 0;
    }

    /// <summary>Reconciles <paramref name="only"/> (every host when null) with a listing of the cloud taken now.</summary>
    public async Task<int> ReconcileNowAsync(IReadOnlySet<string>? only, CancellationToken ct)
    {
        var observedAt = clock.GetUtcNow();
        var listed = await infrastructure.ListHostsAsync(ct);
        return await ReconcileAsync(only is null ? listed : [.. listed.Where(h => only.Contains(h.Name))], observedAt, ct);
    }
}
