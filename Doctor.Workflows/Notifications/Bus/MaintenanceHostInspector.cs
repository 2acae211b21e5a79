using Doctor.Domain.Hosts;
using Doctor.Workflows.Hosts;
using Doctor.Workflows.Infrastructure;
using Doctor.Workflows.Maintenance;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Doctor.Workflows.Notifications.Bus;

/// <summary>
/// Doctor's own inspector, listening to <c>maintenance.host</c> on the bus exactly as an external inspector would (the
/// queue <see cref="BusTopology.InspectorQueue"/> bound to the <c>doctor</c> exchange on RabbitMQ, or the in-memory
/// bus): <c>IN_MAINTENANCE</c> puts the host in state <c>maintenance</c>, so its instances show host_status
/// MAINTENANCE, and <c>MAINTENANCE_COMPLETE</c> puts it back to <c>normal</c>.
/// <para>
/// The maintenance engine sets the same states itself before it emits these messages, so usually there is nothing
/// left to do ("already"); the reaction is idempotent and safe to repeat (at-least-once delivery). Messages are
/// consumed one at a time, in order. A late IN_MAINTENANCE (the bus lags behind the engine, e.g. after a broker
/// outage) is not applied once its session has moved past the host — or, for a message of no session Doctor knows,
/// once the host's compute service is enabled again: it would put a host back in maintenance after its session.
/// </para>
/// </summary>
public sealed class MaintenanceHostInspector(
    IInfrastructure infrastructure,
    PhysicalResources physical,
    MaintenanceSessions sessions,
    InspectorReactions reactions,
    BusMetrics metrics,
    TimeProvider clock,
    ILogger<MaintenanceHostInspector> logger) : IConsumer<BusNotification>
{
    public const string InMaintenance = "IN_MAINTENANCE";
    public const string MaintenanceComplete = "MAINTENANCE_COMPLETE";

    // Held in the host's stream under the announcing session, or under this name when the message names none.
    private const string UnnamedSession = "maintenance.host";

    public async Task Consume(ConsumeContext<BusNotification> context)
    {
        var message = context.Message;
        if (message.EventType != MaintenanceNotifications.Host)
            return; // the in-memory bus delivers every notification; RabbitMQ only what the binding lets through
        var host = message.PayloadText("host");
        var state = message.PayloadText("state");
        var outcome = host is null || state is null
            ? InspectorReaction.Ignored
            : await ReactAsync(host, state, message.PayloadText("session_id"), context.CancellationToken);
        reactions.Add(new InspectorReaction(message.MessageId, host ?? "", state ?? "", outcome, clock.GetUtcNow()));
        metrics.Reacted(state ?? "", outcome);
        logger.LogInformation("inspector: maintenance.host {State} for host {Host} ({MessageId}): {Outcome}",
            state, host, message.MessageId, outcome);
    }

    private async Task<string> ReactAsync(string hostName, string state, string? sessionId, CancellationToken ct)
    {
        var hosts = await infrastructure.ListHostsAsync(ct);
        var host = hosts.FirstOrDefault(h => h.Name == hostName);
        if (host is null)
            return InspectorReaction.Ignored;
        var held = (await physical.GetAsync(hostName, ct)).MaintenanceSessionId;
        var cloudSays = host.State == HostStates.Maintenance;
        switch (state)
        {
            case InMaintenance when held is not null:
                return InspectorReaction.Already;
            case InMaintenance when cloudSays:
                // The cloud got there first (the engine sets it before it announces); the host's stream follows.
                await physical.HoldForMaintenanceAsync(hostName, sessionId ?? UnnamedSession, ct);
                return InspectorReaction.Already;
            case InMaintenance when !await StillInMaintenanceAsync(host, sessionId, ct):
                return InspectorReaction.Stale;
            case InMaintenance:
                await physical.HoldForMaintenanceAsync(hostName, sessionId ?? UnnamedSession, ct);
                await infrastructure.SetHostStateAsync(hostName, HostStates.Maintenance, ct);
                return InspectorReaction.Applied;
            case MaintenanceComplete when held is null && !cloudSays:
                return InspectorReaction.Already;
            case MaintenanceComplete:
                if (held is not null)
                    await physical.ReleaseFromMaintenanceAsync(hostName, held, ct);
                if (cloudSays)
                    await infrastructure.SetHostStateAsync(hostName, HostStates.Normal, ct);
                return InspectorReaction.Applied;
            default:
                return InspectorReaction.Ignored;
        }
    }

    private async Task<bool> StillInMaintenanceAsync(ComputeHost host, string? sessionId, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(sessionId))
        {
            var (session, version) = await sessions.LoadAsync(sessionId, ct);
            if (version > 0)
                return session.HostInMaintenance == host.Name;
        }
        return !host.ComputeEnabled;
    }
}
