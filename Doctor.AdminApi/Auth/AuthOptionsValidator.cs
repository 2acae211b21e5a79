using Doctor.AdminApi.Hosting;
using Microsoft.Extensions.Options;

namespace Doctor.AdminApi.Auth;

/// <summary>Refuses to start a service on a shared database with no way for an admin to get in.</summary>
internal sealed class AuthOptionsValidator(IOptions<DoctorOptions> doctor) : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        if (options.Mode is not (AuthModes.Tokens or AuthModes.None))
            failures.Add($"Doctor:Auth:Mode: '{options.Mode}' is not tokens or none.");
        if (options.Mode == AuthModes.Tokens && string.IsNullOrWhiteSpace(options.AdminToken) && !string.IsNullOrWhiteSpace(doctor.Value.Postgres))
            failures.Add("Doctor:Auth:AdminToken: required when Doctor:Postgres names a server (set Doctor__Auth__AdminToken to a long random secret, " +
                         "or Doctor__Auth__Mode=none on a developer machine).");
        if (options.AdminToken is { Length: > 0 and < AdminCredential.MinimumLength })
            failures.Add($"Doctor:Auth:AdminToken: too short; use at least {AdminCredential.MinimumLength} characters.");
        if (options.RateLimit.PermitsPerSecond > 0 && options.RateLimit.Burst < 1)
            failures.Add("Doctor:Auth:RateLimit:Burst: must be 1 or more.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
