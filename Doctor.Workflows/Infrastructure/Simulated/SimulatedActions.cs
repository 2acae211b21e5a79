namespace Doctor.Workflows.Infrastructure.Simulated;

/// <summary>
/// Names of the simulated cloud's actions, as used by <see cref="SimulatedCloud.InjectFailure"/> and in
/// <see cref="InfrastructureActionFailedException.Action"/>.
/// </summary>
public static class SimulatedActions
{
    public const string Create = "create";
    public const string Delete = "delete";
    /// <summary>Cold migration; an injected <c>migrate</c> failure also matches live migrations.</summary>
    public const string Migrate = "migrate";
    public const string LiveMigrate = "live-migrate";
    public const string ComputeService = "compute-service";
    public const string ForceDown = "force-down";
    public const string HostState = "host-state";
    public const string ResetState = "reset-state";
    public const string PortsStatus = "ports-status";
    public const string FloatingIp = "floating-ip";

    /// <summary>Matches any action (as an injected failure's action) or any target (as its target).</summary>
    public const string Any = "*";

    public static IReadOnlyList<string> All { get; } =
        [Create, Delete, Migrate, LiveMigrate, ComputeService, ForceDown, HostState, ResetState, PortsStatus, FloatingIp];
}
