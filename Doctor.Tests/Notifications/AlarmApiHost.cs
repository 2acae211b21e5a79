using System.Text;
using Doctor.AdminApi.Alarms;
using Doctor.AdminApi.Notifications;
using Doctor.Workflows.Faults;
using Doctor.Workflows.Infrastructure;
using Doctor.Workflows.Infrastructure.Simulated;
using Doctor.Workflows.Notifications.Delivery;
using Doctor.Workflows.Notifications.Alarms;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Doctor.Tests.Notifications;

/// <summary>A minimal real host for the alarm API: the alarm services, problem details, header-based test identities, Kestrel on a free port.</summary>
public sealed class AlarmApiHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AlarmApiHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<AlarmApiHost> StartAsync(NpgsqlDataSource dataSource)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Doctor:Notifier:MaxAttempts"] = "3",
            ["Doctor:Notifier:BaseDelayMs"] = "1",
            ["Doctor:Notifier:TimeoutMs"] = "5000",
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton(dataSource);
        builder.Services.AddAodhAlarms(builder.Configuration);
        var cloud = new SimulatedCloud();
        cloud.Seed(new SimulatedTopology([new SimulatedHostSeed("compute-1", SimulatedCloud.MaxHostVcpus)], []));
        builder.Services.AddSingleton(cloud);
        builder.Services.AddSingleton<IInfrastructure>(cloud);
        builder.Services.AddSingleton<KnownFaults>();
        builder.Services.AddSingleton<IActiveFaults>(sp => sp.GetRequiredService<KnownFaults>());
        builder.Services.AddAuthentication(HeaderAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, HeaderAuthentication>(HeaderAuthentication.SchemeName, null);
        var app = builder.Build();
        app.UseAuthentication();
        app.MapAlarmApi();
        app.MapNotifierApi();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new AlarmApiHost(app, new Uri(address));
    }

    /// <summary>A client speaking as an anonymous caller (admin for now), an admin, or a project.</summary>
    public HttpClient Client(string? role = null, string? project = null, string? user = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (role is not null) client.DefaultRequestHeaders.Add("X-Test-Role", role);
        if (project is not null) client.DefaultRequestHeaders.Add("X-Test-Project", project);
        if (user is not null) client.DefaultRequestHeaders.Add("X-Test-User", user);
        return client;
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public AlarmNotifier Notifier => _app.Services.GetRequiredService<AlarmNotifier>();

    public SimulatedCloud Cloud => _app.Services.GetRequiredService<SimulatedCloud>();

    public KnownFaults Faults => _app.Services.GetRequiredService<KnownFaults>();

    public WebhookDispatcher Dispatcher => _app.Services.GetRequiredService<WebhookDispatcher>();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
