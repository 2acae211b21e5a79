using Doctor.Domain.Maintenance;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Notifications;

namespace Doctor.Workflows.Maintenance;

/// <summary>Stable stored names of the maintenance events: classes may be renamed, these may not.</summary>
public static class MaintenanceEventTypes
{
    public const string StreamType = "maintenance";

    public static string StreamId(string sessionId) => $"maintenance-{sessionId}";

    public static void Register(EventTypeRegistry registry)
    {
        registry.Register<SessionCreated>("maintenance.session_created.v1");
        registry.Register<StateEntered>("maintenance.state_entered.v1");
        registry.Register<HostChosen>("maintenance.host_chosen.v1");
        registry.Register<ReplyWindowOpened>("maintenance.reply_window_opened.v1");
        registry.Register<ProjectNotified>("maintenance.project_notified.v1");
        registry.Register<ReplyReceived>("maintenance.reply_received.v1");
        registry.Register<ReplyWindowExpired>("maintenance.reply_window_expired.v1");
        registry.Register<ActivityCompleted>("maintenance.activity_completed.v1");
        registry.Register<ComputeDisabled>("maintenance.compute_disabled.v1");
        registry.Register<ComputeEnabled>("maintenance.compute_enabled.v1");
        registry.Register<InstanceActionRequested>("maintenance.instance_action_requested.v1");
        registry.Register<InstanceActionDone>("maintenance.instance_action_done.v1");
        registry.Register<InstanceActionFailed>("maintenance.instance_action_failed.v1");
        registry.Register<HostEnteredMaintenance>("maintenance.host_entered_maintenance.v1");
        registry.Register<HostActionCompleted>("maintenance.host_action_completed.v1");
        registry.Register<HostActionFailed>("maintenance.host_action_failed.v1");
        registry.Register<HostLeftMaintenance>("maintenance.host_left_maintenance.v1");
        registry.Register<SessionDone>("maintenance.session_done.v1");
        registry.Register<SessionFailed>("maintenance.session_failed.v1");
        registry.Register<SessionDeleted>("maintenance.session_deleted.v1");
        registry.Register<SessionResumed>("maintenance.session_resumed.v1");
        registry.Register<MaintenanceRescheduled>("maintenance.session_rescheduled.v1");
        if (!registry.IsRegistered(NotificationEmitted.TypeName))
            registry.Register<NotificationEmitted>(NotificationEmitted.TypeName);
    }
}
