namespace Doctor.Workflows.Maintenance.Activities;

/// <summary>
/// A named step a workflow state runs (<c>prepare</c> or <c>run</c>). It must be safe to run again after a crash:
/// it reads what the session's events already say was done and carries on from there.
/// </summary>
public interface IMaintenanceActivity
{
    string Name { get; }

    /// <returns>null when done, else the reason it failed (the state's <c>onFailure</c> is taken).</returns>
    Task<string?> RunAsync(ActivityContext context, CancellationToken ct);
}
