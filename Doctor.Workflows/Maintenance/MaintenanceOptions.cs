using System.ComponentModel.DataAnnotations;

namespace Doctor.Workflows.Maintenance;

/// <summary>Bound from <c>Doctor:Maintenance</c>. Tests use seconds where production uses minutes.</summary>
public sealed class MaintenanceOptions
{
    public const string Section = "Doctor:Maintenance";

    /// <summary>Base URL put in <c>reply_url</c>/<c>instance_ids</c> links; default: the first URL the service listens on.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>How much time before <c>maintenance_at</c> projects must at least get to answer; a closer time is refused.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MinimumReplyWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Overrides of the definitions' named windows (e.g. <c>scaleInReply</c>), for all workflows.</summary>
    public Dictionary<string, TimeSpan> Windows { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The default policy for projects with no alarm on <c>maintenance.scheduled</c>: <c>require_subscription</c> or <c>proceed</c>.</summary>
    [RegularExpression("^(require_subscription|proceed)$")]
    public string SubscriptionPolicy { get; set; } = "require_subscription";

    /// <summary>How long the engine waits for a project to move an instance it answered OWN_ACTION for.</summary>
    public TimeSpan OwnActionTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Default duration of the <c>dummy</c> host action plug-in.</summary>
    public TimeSpan DummyActionDuration { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often a node waiting for a session that another node drives asks again (DESIGN.md §10).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan SessionLeaseRetry { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How often every node looks for running sessions that no node drives (their node died) and takes them over.
    /// Also bounds how long a deadline armed on a node that died waits for another node to notice it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan TakeOverInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Where workflow definitions are read from; default: <c>workflows/</c> beside the app or above it.</summary>
    public string? WorkflowsDirectory { get; set; }
}
