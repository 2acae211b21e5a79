using Microsoft.Extensions.Options;

namespace Doctor.Workflows.Infrastructure.Simulated;

/// <summary>Checks <c>Doctor:Simulated</c> at start, naming the setting and the value that is wrong.</summary>
internal sealed class SimulatedCloudOptionsValidator : IValidateOptions<SimulatedCloudOptions>
{
    public ValidateOptionsResult Validate(string? name, SimulatedCloudOptions options)
    {
        List<string> failures = [];
        if (SimulatedTopologies.Find(options.Topology) is null)
            failures.Add(SimulatedCloud.UnknownTopologyMessage(options.Topology));
        if (options.ActionLatency < TimeSpan.Zero)
            failures.Add($"{SimulatedCloudOptions.Section}:ActionLatencyMs: must be 0 or more, got {options.ActionLatencyMs}");
        if (options.Store is not (SimulatedCloudOptions.MemoryStore or SimulatedCloudOptions.PostgresStore))
            failures.Add($"{SimulatedCloudOptions.Section}:Store: must be {SimulatedCloudOptions.MemoryStore} or {SimulatedCloudOptions.PostgresStore}, got '{options.Store}'");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
