namespace Doctor.Workflows.Infrastructure;

/// <summary>Which cloud the engine drives, bound from <c>Doctor:Cloud</c>.</summary>
public sealed class CloudOptions
{
    public const string Section = "Doctor:Cloud";

    public const string SimulatedDriver = "simulated";
    public const string OpenStackDriver = "openstack";

    /// <summary><c>simulated</c> (the default: the in-process cloud of <c>Doctor:Simulated</c>) or <c>openstack</c> (Keystone, Nova, Placement, Neutron of <c>Doctor:Cloud:OpenStack</c>).</summary>
    public string Driver { get; set; } = SimulatedDriver;
}
