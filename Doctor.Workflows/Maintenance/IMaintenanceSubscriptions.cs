namespace Doctor.Workflows.Maintenance;

/// <summary>Whether a project listens to an event type (an enabled alarm or subscription): decides interaction vs. policy.</summary>
public interface IMaintenanceSubscriptions
{
    bool ProjectListensTo(string projectId, string eventType);
}
