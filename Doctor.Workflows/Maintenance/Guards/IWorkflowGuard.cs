namespace Doctor.Workflows.Maintenance.Guards;

/// <summary>A named condition a workflow branch may test (<c>"if": "emptyHostExists"</c>).</summary>
public interface IWorkflowGuard
{
    string Name { get; }

    bool Holds(GuardContext context);
}
