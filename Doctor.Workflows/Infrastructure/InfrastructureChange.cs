namespace Doctor.Workflows.Infrastructure;

/// <summary>Something changed in the cloud: lets caches (the inspector's resource map) stay current without polling.</summary>
public sealed record InfrastructureChange(string Kind, string? InstanceId, string? Host, string? ProjectId)
{
    public const string InstanceCreated = "instance.created";
    public const string InstanceDeleted = "instance.deleted";
    public const string InstanceMoved = "instance.moved";
    public const string InstanceUpdated = "instance.updated";
    public const string HostUpdated = "host.updated";
    public const string TopologyReplaced = "topology.replaced";
}
