namespace Doctor.Workflows.Notifications.Bus;

/// <summary>Names on the broker that consumers outside Doctor rely on (docs/bus.md); changing one breaks them.</summary>
public static class BusTopology
{
    /// <summary>The topic exchange every notification is published to, with routing key = event type.</summary>
    public const string Exchange = "doctor";

    /// <summary>The durable queue of Doctor's own inspector, bound to <see cref="Exchange"/> with <c>maintenance.host</c>.</summary>
    public const string InspectorQueue = "doctor-inspector";

    /// <summary>The name of the bus entry in <c>GET /health</c>.</summary>
    public const string HealthCheckName = "bus";
}
