using Doctor.Domain.Faults;
using Doctor.Workflows.EventStore;

namespace Doctor.Workflows.Faults;

/// <summary>Stable stored names of the fault incident events: classes may be renamed, these may not.</summary>
public static class FaultEventTypes
{
    public const string StreamType = "incident";
    public const string StreamPrefix = "incident-";

    public static string StreamId(string incidentId) => StreamPrefix + incidentId;

    /// <summary>The stream of one monitor report's faults that fence nothing (<see cref="FaultBatchRecorded"/>).</summary>
    public const string ReportStreamType = "fault-report";
    public const string ReportStreamPrefix = "faults-";

    public static string ReportStreamId(string reportId) => ReportStreamPrefix + reportId;

    /// <summary>One stream per host of the fencing claims made on it (<see cref="HostFencingClaimed"/>): one open incident per host across nodes.</summary>
    public const string HostClaimStreamType = "fault-host";
    public const string HostClaimStreamPrefix = "fault-host-";

    public static string HostClaimStreamId(string host) => HostClaimStreamPrefix + host;

    public static void Register(EventTypeRegistry registry)
    {
        registry.Register<FaultReceived>("fault.received.v1");
        registry.Register<PolicyDecided>("fault.policy_decided.v1");
        registry.Register<FaultCorrelated>("fault.correlated.v1");
        registry.Register<FaultRecorded>("fault.recorded.v1");
        registry.Register<FaultBatchRecorded>("fault.batch_recorded.v1");
        registry.Register<FaultNotificationsEmitted>(FaultNotificationsEmitted.TypeName);
        registry.Register<NotificationsHandedOver>("fault.notifications_handed_over.v1");
        registry.Register<HostMarkedDown>("fault.host_marked_down.v1");
        registry.Register<InstancesMarkedError>("fault.instances_marked_error.v1");
        registry.Register<PortsMarkedDown>("fault.ports_marked_down.v1");
        registry.Register<FencingActionFailed>("fault.action_failed.v1");
        registry.Register<FaultRepeated>("fault.repeated.v1");
        registry.Register<IncidentResolved>("fault.incident_resolved.v1");
        registry.Register<HostFencingClaimed>("fault.host_claimed.v1");
    }
}
