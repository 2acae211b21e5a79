using Doctor.Workflows.EventStore;
using Doctor.Workflows.Faults;
using Doctor.Workflows.Hosts;
using Doctor.Workflows.Maintenance;
using Doctor.Workflows.Notifications;

namespace Doctor.Workflows;

/// <summary>Every stored event name of the service, in one registry: each feature adds its own here.</summary>
public static class DoctorEventTypes
{
    public static EventTypeRegistry CreateRegistry()
    {
        var registry = new EventTypeRegistry();
        registry.Register<NotificationEmitted>(NotificationEmitted.TypeName);
        MaintenanceEventTypes.Register(registry);
        FaultEventTypes.Register(registry);
        HostEventTypes.Register(registry);
        return registry;
    }
}
