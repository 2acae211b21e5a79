using Doctor.Domain.Maintenance;

namespace Doctor.Tests.Maintenance;

/// <summary>Ready-made histories for decider tests: a session on three hosts of two projects.</summary>
public static class SessionHistory
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset MaintenanceAt = T0.AddMinutes(5);
    public const string Sid = "11111111-1111-1111-1111-111111111111";

    public static SessionCreated Created(SubscriptionPolicy policy = SubscriptionPolicy.RequireSubscription) =>
        new(Sid, "default", 1, ["compute-0", "compute-1", "compute-2"], MaintenanceAt, "fenix", "{}", [], policy, "MAINTENANCE", T0);

    public static StateEntered Entered(string state, int round, string? from = null) => new(state, round, from, "test", T0);

    public static ReplyWindowOpened Window(int round, string state, params ProjectAudience[] projects) =>
        new(round, state, projects, [], T0.AddMinutes(1), MaintenanceAt, T0);

    public static ReplyWindowOpened WindowWithActions(int round, string state, params ProjectAudience[] projects) =>
        new(round, state, projects, ["MIGRATE", "LIVE_MIGRATE", "OWN_ACTION"], T0.AddMinutes(1), T0.AddMinutes(1), T0);

    public static ProjectAudience Project(string id, params string[] instances) => new(id, instances, Interactive: true);

    public static Dictionary<string, string> NoActions() => [];
}
