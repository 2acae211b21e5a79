namespace Doctor.Workflows.Infrastructure;

/// <summary>The cloud refused or failed an action (no room to migrate to, injected failure, API error).</summary>
public sealed class InfrastructureActionFailedException(string action, string target, string reason)
    : Exception($"{action} of {target} failed: {reason}")
{
    public string Action { get; } = action;
    public string Target { get; } = target;
    public string Reason { get; } = reason;
}
