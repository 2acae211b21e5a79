namespace Doctor.Workflows.Maintenance.Guards;

/// <summary>Every host of the session has been through IN_MAINTENANCE and MAINTENANCE_COMPLETE.</summary>
public sealed class AllHostsMaintained : IWorkflowGuard
{
    public string Name => "allHostsMaintained";

    public bool Holds(GuardContext context) => context.Session.Hosts.All(context.Session.MaintainedHosts.Contains);
}
