using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Doctor.Workflows.Notifications.Bus;
using Npgsql;

namespace Doctor.AdminApi.Hosting;

/// <summary>Refuses to start on settings that would only fail later, naming the setting and what is wrong.</summary>
internal sealed partial class DoctorOptionsValidator : IValidateOptions<DoctorOptions>
{
    public ValidateOptionsResult Validate(string? name, DoctorOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.Postgres))
        {
            try
            {
                var builder = new NpgsqlConnectionStringBuilder(options.Postgres);
                if (string.IsNullOrEmpty(builder.Host))
                {
                    failures.Add("Doctor:Postgres: the connection string names no Host.");
                }
            }
            catch (ArgumentException e)
            {
                failures.Add($"Doctor:Postgres: not a valid connection string ({e.Message}).");
            }
        }
        else
        {
            if (string.IsNullOrWhiteSpace(options.Embedded.DataDirectory))
            {
                failures.Add("Doctor:Embedded:DataDirectory: must name a directory when Doctor:Postgres is empty.");
            }
            if (!DatabaseName().IsMatch(options.Embedded.Database ?? ""))
            {
                failures.Add("Doctor:Embedded:Database: must be lower-case letters, digits and underscores, starting with a letter.");
            }
            if (options.Embedded.StartTimeout <= TimeSpan.Zero)
            {
                failures.Add("Doctor:Embedded:StartTimeout: must be positive.");
            }
        }
        if (!string.IsNullOrWhiteSpace(options.RabbitMq) && BusOptions.Problem(options.RabbitMq) is { } busProblem)
        {
            failures.Add($"Doctor:RabbitMq: {busProblem} (expected amqp://user:pass@host:port/vhost).");
        }
        if (options.MaxRequestBodyBytes <= 0)
        {
            failures.Add("Doctor:MaxRequestBodyBytes: must be a positive number of bytes.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{0,62}$")]
    private static partial Regex DatabaseName();
}
