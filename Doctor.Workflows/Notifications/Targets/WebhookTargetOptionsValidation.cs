using System.Net;
using Microsoft.Extensions.Options;

namespace Doctor.Workflows.Notifications.Targets;

/// <summary>Refuses to start on a network that is not CIDR, naming the setting.</summary>
internal sealed class WebhookTargetOptionsValidation : IValidateOptions<WebhookTargetOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookTargetOptions options)
    {
        var failures = new List<string>();
        Check(options.Allow, nameof(options.Allow), failures);
        Check(options.Deny, nameof(options.Deny), failures);
        if (options.ResolveTimeout <= TimeSpan.Zero)
            failures.Add($"{WebhookTargetOptions.Section}:ResolveTimeout: must be positive.");
        if (options.ConnectTimeout <= TimeSpan.Zero)
            failures.Add($"{WebhookTargetOptions.Section}:ConnectTimeout: must be positive.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(string[] networks, string setting, List<string> failures)
    {
        for (var i = 0; i < networks.Length; i++)
        {
            if (!IPNetwork.TryParse(networks[i], out _))
                failures.Add($"{WebhookTargetOptions.Section}:{setting}:{i}: '{networks[i]}' is not a network in CIDR form (e.g. 10.0.0.0/8).");
        }
    }
}
