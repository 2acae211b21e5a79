namespace Doctor.Workflows.Maintenance.Guards;

/// <summary>Some host of the session, not yet maintained, runs no instance: it can be maintained without moving anything.</summary>
public sealed class EmptyHostExists : IWorkflowGuard
{
    public string Name => "emptyHostExists";

    public bool Holds(GuardContext context)
    {
        var occupied = context.Instances.Select(i => i.Host).ToHashSet(StringComparer.Ordinal);
        return context.Session.Hosts.Any(h => !context.Session.MaintainedHosts.Contains(h) && !occupied.Contains(h));
    }
}
