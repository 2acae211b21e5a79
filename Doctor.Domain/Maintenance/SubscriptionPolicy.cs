namespace Doctor.Domain.Maintenance;

/// <summary>
/// What to do with a project that has instances in the session but no alarm on <c>maintenance.scheduled</c>
/// (DESIGN.md §5: handled by policy, never silently).
/// </summary>
public enum SubscriptionPolicy
{
    /// <summary>The session fails at once, naming the project.</summary>
    RequireSubscription,
    /// <summary>No interaction with that project: the engine moves its instances itself.</summary>
    Proceed,
}
