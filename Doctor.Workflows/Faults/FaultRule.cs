using Doctor.Domain.Faults;
namespace Doctor.Workflows.Faults;

/// <summary>
/// The policy for one event type: the action, the severity (northbound number), what it affects (<c>host</c>: force the
/// host down, its instances to ERROR, its ports DOWN; <c>ports</c>: the data-plane ports bound on the host only), and
/// optional detail values the event must carry for the rule to apply (e.g. the data-plane NIC).
/// </summary>
public sealed record FaultRule(FaultAction Action, int Severity, string Affects, IReadOnlyDictionary<string, string> When)
{
    public const string AffectsHost = FaultTargets.Host;
    public const string AffectsPorts = FaultTargets.Ports;
}
