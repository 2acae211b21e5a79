using Doctor.Workflows.Notifications.Alarms;

namespace Doctor.Workflows.Maintenance;

/// <summary>A project listens to an event type when it owns an enabled Aodh event alarm whose pattern matches it.</summary>
public sealed class AlarmSubscriptions(AlarmDirectory alarms) : IMaintenanceSubscriptions
{
    public bool ProjectListensTo(string projectId, string eventType) =>
        alarms.Hearing(projectId).Any(a => a.Enabled && a.ProjectId == projectId && a.EventType.Matches(eventType));

    public Task RefreshAsync(CancellationToken ct) => alarms.RefreshAsync(ct);
}
