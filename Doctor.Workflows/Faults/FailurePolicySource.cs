using Doctor.Workflows.Engine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Doctor.Workflows.Faults;

/// <summary>The failure policy in force, loaded once from the configured file (or the workflows directory's default) and validated at start.</summary>
public sealed class FailurePolicySource(IOptions<FaultOptions> options, IConfiguration configuration)
{
    private readonly Lazy<FailurePolicy> _policy = new(() => FailurePolicyLoader.LoadFile(Resolve(options.Value, configuration)));

    public FailurePolicy Current => _policy.Value;

    public static string Resolve(FaultOptions options, IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(options.PolicyFile) ? Path.GetFullPath(options.PolicyFile)
        : Path.Combine(WorkflowsDirectory.Resolve(configuration["Doctor:Maintenance:WorkflowsDirectory"]), "policies", "failure-policy.json");
}
