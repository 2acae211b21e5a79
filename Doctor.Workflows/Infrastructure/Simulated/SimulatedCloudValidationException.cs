namespace Doctor.Workflows.Infrastructure.Simulated;

/// <summary>
/// Input the simulated cloud refuses (a seed or a new instance that cannot exist). <see cref="Field"/> names the
/// offending item in wire terms (<c>instances[3].host</c>, <c>vcpus</c>) so an API can put it in a problem title.
/// Nothing has changed when it is thrown.
/// </summary>
public sealed class SimulatedCloudValidationException(string field, string problem) : Exception($"{field}: {problem}")
{
    public string Field { get; } = field;
    public string Problem { get; } = problem;
}
