using Doctor.Workflows.Infrastructure.Postgres;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Doctor.AdminApi.Hosting;

public static class HostingExtensions
{
    /// <summary>CONTRACTS.md: base URL default; loopback only unless the operator says otherwise.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    private static readonly Dictionary<string, string?> LogLevelDefaults = new()
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Npgsql"] = "Warning",
    };

    /// <summary>
    /// Listen address (default <see cref="DefaultUrl"/> unless <c>--urls</c>, <c>ASPNETCORE_URLS</c>,
    /// <c>ASPNETCORE_HTTP_PORTS</c> or a Kestrel endpoint is configured), one-line console logs,
    /// <see cref="DoctorOptions"/> bound from <c>Doctor:*</c> and validated at start, and the OpenAPI document.
    /// </summary>
    public static WebApplicationBuilder AddDoctorHosting(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var listenConfigured = !string.IsNullOrEmpty(configuration["urls"])
            || !string.IsNullOrEmpty(configuration["http_ports"])
            || !string.IsNullOrEmpty(configuration["https_ports"])
            || configuration.GetSection("Kestrel:Endpoints").Exists();
        if (!listenConfigured)
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        // Quiet defaults for chatty framework categories, at the lowest precedence so Logging__LogLevel__* still wins.
        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = LogLevelDefaults });

        // One line per entry with scopes; Logging__Console__FormatterName=json switches to JSON lines.
        builder.Services.PostConfigure<ConsoleLoggerOptions>(o => o.FormatterName ??= ConsoleFormatterNames.Simple);
        builder.Services.Configure<SimpleConsoleFormatterOptions>(o =>
        {
            o.SingleLine = true;
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        });
        builder.Services.Configure<JsonConsoleFormatterOptions>(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });

        builder.Services.AddOptions<DoctorOptions>()
            .Bind(configuration.GetSection(DoctorOptions.Section))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DoctorOptions>, DoctorOptionsValidator>();

        builder.Services.AddOpenApi();
        return builder;
    }

    /// <summary>Runs until shutdown; a start-up failure whose message says it all ends the process with exit code 1 instead of a crash dump.</summary>
    public static async Task<int> RunDoctorAsync(this WebApplication app)
    {
        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (EmbeddedPostgresException)
        {
            // Already logged by the host, in full and without a stack trace (the message is all there is).
            return 1;
        }
        catch (OptionsValidationException e)
        {
            // The host logged it with a stack trace; this is the line an operator needs.
            app.Logger.LogCritical("Doctor did not start, invalid configuration: {Reason}", e.Message);
            return 1;
        }
        catch (InvalidOperationException e) when (e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
        {
            // A value the binder cannot read as its setting's type (Doctor__Faults__WarmUp=maybe): the message names the setting.
            app.Logger.LogCritical("Doctor did not start, invalid configuration: {Reason}", e.Message);
            return 1;
        }
    }
}
