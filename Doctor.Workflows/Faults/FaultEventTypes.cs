using Doctor.Domain.Faults;
using Doctor.Workflows.EventStore;

namespace Doctor.Workflows.Faults;

/// <summary>Stable stored names of the fault incident events: classes may be renamed, these may not.</summary>
public static class FaultEventTypes
{
    public const string StreamType = "incident";
    public const string StreamPrefix = "incident-";

    public static string StreamId(string incidentId) => StreamPrefix + incidentId;

    public static void Register(EventTypeRegistry registry)
    {
        registry.Register<FaultReceived>("fault.received.v1");
        registry.Register<PolicyDecided>("fault.policy_decided.v1");
        registry.Register<FaultCorrelated>("fault.correlated.v1");
        registry.Register<FaultRecorded>("fault.recorded.v1");
        registry.Register<FaultNotificationsEmitted>(FaultNotificationsEmitted.TypeName);
        registry.Register<NotificationsHandedOver>("fault.notifications_handed_over.v1");
        registry.Register<HostMarkedDown>("fault.host_marked_down.v1");
        registry.Register<InstancesMarkedError>("fault.instances_marked_error.v1");
        registry.Register<PortsMarkedDown>("fault.ports_marked_down.v1");
        registry.Register<FencingActionFailed>("fault.action_failed.v1");
        registry.Register<FaultRepeated>("fault.repeated.v1");
        registry.Register<IncidentResolved>("fault.incident_resolved.v1");
    }
}
