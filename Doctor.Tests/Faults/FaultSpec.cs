using Doctor.Domain;
using Doctor.Domain.Faults;

namespace Doctor.Tests.Faults;

/// <summary>Given(events).When(command).Then(events) — or .ThenRefuses — on the fault incident decider.</summary>
public sealed class FaultSpec
{
    private readonly IFaultEvent[] _given;
    private FaultCommand? _when;

    private FaultSpec(IFaultEvent[] given) => _given = given;

    public static FaultSpec Given(params IFaultEvent[] events) => new(events);

    public FaultSpec When(FaultCommand command)
    {
        _when = command;
        return this;
    }

    public void Then(params IFaultEvent[] expected)
    {
        var actual = FaultIncident.Decide(_when!, FaultIncident.Fold(_given));
        Assert.Equal(expected.Select(Describe), actual.Select(Describe));
    }

    public TViolation ThenRefuses<TViolation>(RuleKind kind) where TViolation : DomainRuleViolation
    {
        var e = Assert.Throws<TViolation>(() => FaultIncident.Decide(_when!, FaultIncident.Fold(_given)));
        Assert.Equal(kind, e.Kind);
        return e;
    }

    // Records holding lists compare by reference; their JSON says what they mean.
    private static string Describe(IFaultEvent e) => e.GetType().Name + System.Text.Json.JsonSerializer.Serialize(e, e.GetType());
}
