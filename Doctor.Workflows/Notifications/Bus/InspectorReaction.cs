namespace Doctor.Workflows.Notifications.Bus;

/// <summary>What the inspector did about one <c>maintenance.host</c> message (see <see cref="MaintenanceHostInspector"/>).</summary>
public sealed record InspectorReaction(string MessageId, string Host, string State, string Outcome, DateTimeOffset At)
{
    /// <summary>The inspector changed the host's state in the cloud.</summary>
    public const string Applied = "applied";

    /// <summary>The host was in that state already (the engine set it first): nothing to do.</summary>
    public const string Already = "already";

    /// <summary>An IN_MAINTENANCE for a host the engine has put back in service since: applying it would undo that.</summary>
    public const string Stale = "stale";

    /// <summary>The cloud knows no such host, or the message is not one the inspector understands.</summary>
    public const string Ignored = "ignored";
}
