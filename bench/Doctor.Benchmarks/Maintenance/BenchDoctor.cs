using Doctor.Workflows.Infrastructure.Simulated;
using Doctor.Workflows.Maintenance;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Doctor.Benchmarks.Maintenance;

/// <summary>
/// The real service (Doctor.AdminApi's Program, every feature as registered there) on a real Kestrel port, so that
/// webhooks and replies cross real HTTP; on the benchmark database; simulated cloud with zero action latency, reply
/// windows that a prompt VNFM never comes near, and no-op host actions.
/// </summary>
public sealed class BenchDoctor : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;

    private BenchDoctor(WebApplicationFactory<Program> factory, string baseUrl)
    {
        _factory = factory;
        BaseUrl = baseUrl;
        Client = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };
    }

    public string BaseUrl { get; }
    public HttpClient Client { get; }
    public IServiceProvider Services => _factory.Services;
    public SimulatedCloud Cloud => Services.GetRequiredService<SimulatedCloud>();

    /// <summary>The settings the figures are taken with (printed with them).</summary>
    public static IReadOnlyDictionary<string, string?> Settings(string connectionString) => new Dictionary<string, string?>
    {
        ["Doctor:Postgres"] = connectionString,
        // The admin and the VNFM of the benchmark are trusted loopback peers: no tokens on the measured path.
        ["Doctor:Auth:Mode"] = "none",
        ["Doctor:Simulated:Topology"] = SimulatedTopologies.EmptyName,
        ["Doctor:Simulated:ActionLatencyMs"] = "0",
        ["Doctor:Maintenance:MinimumReplyWindow"] = "00:00:00.200",
        ["Doctor:Maintenance:Windows:scaleInReply"] = "00:01:00",
        ["Doctor:Maintenance:Windows:prepareReply"] = "00:01:00",
        ["Doctor:Maintenance:Windows:plannedReply"] = "00:01:00",
        ["Doctor:Maintenance:Windows:completeReply"] = "00:01:00",
        ["Doctor:Maintenance:DummyActionDuration"] = "00:00:00",
        ["Doctor:Maintenance:WorkflowsDirectory"] = WorkflowsDirectory(),
        ["Doctor:Notifier:BaseDelayMs"] = "50",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    public static Task<BenchDoctor> StartAsync(string connectionString)
    {
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach (var (k, v) in Settings(connectionString))
                web.UseSetting(k, v);
            web.UseEnvironment("Production");
            web.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        });
        factory.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
            .Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal);
        factory.Services.GetRequiredService<PublicBaseUrl>().Value = address;
        return Task.FromResult(new BenchDoctor(factory, address));
    }

    /// <summary>The repository's workflows/ folder, found upwards from the benchmark's binaries.</summary>
    private static string WorkflowsDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "workflows");
            if (File.Exists(Path.Combine(candidate, "default.json")))
                return candidate;
        }
        throw new InvalidOperationException($"no workflows/default.json above {AppContext.BaseDirectory}");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
    }
}
