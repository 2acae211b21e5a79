namespace Doctor.Workflows.Faults;

/// <summary>
/// The faults currently open on virtual resources (instances) and hosts, for the northbound SubscribeResponse and
/// queries. Implemented by fault management; <see cref="NoActiveFaults"/> until it is registered.
/// </summary>
public interface IActiveFaults
{
    /// <summary>Open faults on any of <paramref name="resourceIds"/> (instance ids or host names), oldest first.</summary>
    Task<IReadOnlyList<ResourceFault>> ForResourcesAsync(IReadOnlyCollection<string> resourceIds, CancellationToken ct);
}
