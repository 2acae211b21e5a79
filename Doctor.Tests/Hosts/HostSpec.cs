using Doctor.Domain;
using Doctor.Domain.Hosts;

namespace Doctor.Tests.Hosts;

/// <summary>Given(events).When(command).Then(events) — or .ThenRefuses — on the physical resource decider.</summary>
public sealed class HostSpec
{
    private readonly IPhysicalResourceEvent[] _given;
    private PhysicalResourceCommand? _when;

    private HostSpec(IPhysicalResourceEvent[] given) => _given = given;

    public static HostSpec Given(params IPhysicalResourceEvent[] events) => new(events);

    public HostSpec When(PhysicalResourceCommand command)
    {
        _when = command;
        return this;
    }

    public void Then(params IPhysicalResourceEvent[] expected) =>
        Assert.Equal(expected, PhysicalResource.Decide(_when!, PhysicalResource.Fold(_given)));

    public TViolation ThenRefuses<TViolation>(RuleKind kind) where TViolation : DomainRuleViolation
    {
        var e = Assert.Throws<TViolation>(() => PhysicalResource.Decide(_when!, PhysicalResource.Fold(_given)));
        Assert.Equal(kind, e.Kind);
        return e;
    }
}
