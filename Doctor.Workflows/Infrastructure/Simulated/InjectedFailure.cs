namespace Doctor.Workflows.Infrastructure.Simulated;

/// <summary>A failure waiting for the next action that matches it (see <see cref="SimulatedCloud.InjectFailure"/>).</summary>
public sealed record InjectedFailure(string Action, string Target);
