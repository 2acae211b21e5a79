namespace Doctor.Workflows.Maintenance;

/// <summary>Whether a project listens to an event type (an enabled alarm or subscription): decides interaction vs. policy.</summary>
public interface IMaintenanceSubscriptions
{
    bool ProjectListensTo(string projectId, string eventType);

    /// <summary>Brings the answers up to date with subscriptions made on other nodes; called before a reply window opens.</summary>
    Task RefreshAsync(CancellationToken ct) => Task.CompletedTask;
}
