using Microsoft.Extensions.Options;

namespace Doctor.Workflows.Infrastructure.OpenStack;

/// <summary>Checks <c>Doctor:Cloud:OpenStack</c> at start when the driver is <c>openstack</c>, naming each setting that is wrong.</summary>
internal sealed class OpenStackOptionsValidator : IValidateOptions<OpenStackOptions>
{
    private static readonly string[] Interfaces = ["public", "internal", "admin"];

    public ValidateOptionsResult Validate(string? name, OpenStackOptions o)
    {
        List<string> failures = [];
        const string s = OpenStackOptions.Section;
        if (!Uri.TryCreate(o.AuthUrl, UriKind.Absolute, out var auth) || auth.Scheme is not ("http" or "https"))
            failures.Add($"{s}:AuthUrl: must be Keystone's absolute http(s) URL (e.g. https://keystone:5000/v3), got '{o.AuthUrl}'");
        foreach (var (setting, value) in new[] { ("Username", o.Username), ("Password", o.Password), ("ProjectName", o.ProjectName),
                     ("UserDomainName", o.UserDomainName), ("ProjectDomainName", o.ProjectDomainName) })
        {
            if (string.IsNullOrWhiteSpace(value))
                failures.Add($"{s}:{setting}: must be set for the openstack driver");
        }
        if (!Interfaces.Contains(o.Interface))
            failures.Add($"{s}:Interface: must be one of {string.Join(", ", Interfaces)}, got '{o.Interface}'");
        if (o.NotificationsUrl.Length > 0 && (!Uri.TryCreate(o.NotificationsUrl, UriKind.Absolute, out var amqp) || amqp.Scheme is not ("amqp" or "amqps")))
            failures.Add($"{s}:NotificationsUrl: must be an amqp:// or amqps:// URI of the cloud's RabbitMQ, got '{o.NotificationsUrl}'");
        if (!NovaMicroversion.TryParse(o.ComputeMicroversion, out var version) || version < NovaMicroversion.Parse(OpenStackOptions.MinimumComputeMicroversion))
            failures.Add($"{s}:ComputeMicroversion: must be {OpenStackOptions.MinimumComputeMicroversion} or later (services by UUID, forced_down), got '{o.ComputeMicroversion}'");
        if (o.RequestTimeout <= TimeSpan.Zero)
            failures.Add($"{s}:RequestTimeout: must be positive, got {o.RequestTimeout}");
        if (o.Retries is < 0 or > 10)
            failures.Add($"{s}:Retries: must be 0 to 10, got {o.Retries}");
        if (o.MigrationTimeout <= TimeSpan.Zero)
            failures.Add($"{s}:MigrationTimeout: must be positive, got {o.MigrationTimeout}");
        if (o.PollInterval <= TimeSpan.Zero)
            failures.Add($"{s}:PollInterval: must be positive, got {o.PollInterval}");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
