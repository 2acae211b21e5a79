using Doctor.Domain;
using Doctor.Domain.Maintenance;

namespace Doctor.Tests.Maintenance;

/// <summary>Given(events).When(command).Then(events) — or .ThenRefuses — on the maintenance decider.</summary>
public sealed class DeciderSpec
{
    private readonly IMaintenanceEvent[] _given;
    private MaintenanceCommand? _when;

    private DeciderSpec(IMaintenanceEvent[] given) => _given = given;

    public static DeciderSpec Given(params IMaintenanceEvent[] events) => new(events);

    public DeciderSpec When(MaintenanceCommand command)
    {
        _when = command;
        return this;
    }

    public void Then(params IMaintenanceEvent[] expected)
    {
        var actual = MaintenanceSession.Decide(_when!, MaintenanceSession.Fold(_given));
        Assert.Equal(expected.Length, actual.Count);
        for (var i = 0; i < expected.Length; i++)
            Assert.Equal(Describe(expected[i]), Describe(actual[i]));
    }

    public TViolation ThenRefuses<TViolation>(RuleKind kind) where TViolation : DomainRuleViolation
    {
        var e = Assert.Throws<TViolation>(() => MaintenanceSession.Decide(_when!, MaintenanceSession.Fold(_given)));
        Assert.Equal(kind, e.Kind);
        return e;
    }

    // Records holding lists compare by reference; their JSON says what they mean.
    private static string Describe(IMaintenanceEvent e) => e.GetType().Name + System.Text.Json.JsonSerializer.Serialize(e, e.GetType());
}
