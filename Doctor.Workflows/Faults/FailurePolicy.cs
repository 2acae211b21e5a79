namespace Doctor.Workflows.Faults;

/// <summary>
/// The failure policy as data (<c>workflows/policies/failure-policy.json</c>, docs/faults.md): a rule per event type,
/// the rule for any other type, the aggregation threshold for non-critical failures, and whether owners hear of
/// faults on hosts in maintenance.
/// </summary>
public sealed record FailurePolicy(
    IReadOnlyDictionary<string, FaultRule> Types,
    FaultRule Default,
    int AggregationFailures,
    TimeSpan AggregationWindow,
    bool NotifyInMaintenance,
    string Source)
{
    /// <summary>The rule that applies to an event of <paramref name="type"/> with these details.</summary>
    public FaultRule RuleFor(string type, IReadOnlyDictionary<string, string?> details)
    {
        if (!Types.TryGetValue(type, out var rule))
            return Default;
        foreach (var (key, value) in rule.When)
        {
            if (!details.TryGetValue(key, out var actual) || !string.Equals(actual, value, StringComparison.OrdinalIgnoreCase))
                return Default;
        }
        return rule;
    }
}
