using Doctor.Domain.Hosts;
using Doctor.Workflows.EventStore;

namespace Doctor.Workflows.Hosts;

/// <summary>Stable stored names of the physical resource events (stream <c>host-{name}</c>): classes may be renamed, these may not.</summary>
public static class HostEventTypes
{
    public const string StreamType = "host";
    public const string StreamPrefix = "host-";

    public static string StreamId(string host) => StreamPrefix + host;

    public static void Register(EventTypeRegistry registry)
    {
        registry.Register<HostDeclaredDown>("host.declared_down.v1");
        registry.Register<HostForcedDown>("host.forced_down.v1");
        registry.Register<HostRecovered>("host.recovered.v1");
        registry.Register<HostHeldForMaintenance>("host.held_for_maintenance.v1");
        registry.Register<HostReleasedFromMaintenance>("host.released_from_maintenance.v1");
        registry.Register<HostStateChanged>("host.state_changed.v1");
        registry.Register<HostMetadataChanged>("host.metadata_changed.v1");
    }
}
