namespace Doctor.Workflows.Maintenance.HostActions;

/// <summary>A maintenance action plug-in run on a host while it is in maintenance (session <c>actions</c>: pre, host, post).</summary>
public interface IHostActionPlugin
{
    string Name { get; }

    /// <returns>null on success, else why it failed (the host, and the session, fail).</returns>
    Task<string?> RunAsync(HostActionRequest request, CancellationToken ct);
}
