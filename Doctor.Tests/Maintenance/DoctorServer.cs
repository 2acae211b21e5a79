using Doctor.Tests.Infrastructure;
using Doctor.Workflows.Infrastructure;
using Doctor.Workflows.Infrastructure.Simulated;
using Doctor.Workflows.Maintenance;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Doctor.Tests.Maintenance;

/// <summary>
/// The real service on a real Kestrel port (webhooks must be able to call it back), on a test database, with
/// seconds where production has minutes. Pass the same <see cref="SimulatedCloud"/> to a second server to restart
/// the service against the same cloud — the cloud, like a real one, outlives the service.
/// </summary>
public sealed class DoctorServer : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;

    private DoctorServer(WebApplicationFactory<Program> factory, string baseUrl)
    {
        _factory = factory;
        BaseUrl = baseUrl;
        Client = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) }.WithToken(TestTokens.Admin);
    }

    public string BaseUrl { get; }
    /// <summary>Speaks as the admin (<see cref="TestTokens.Admin"/>).</summary>
    public HttpClient Client { get; }
    public IServiceProvider Services => _factory.Services;
    public SimulatedCloud Cloud => Services.GetRequiredService<SimulatedCloud>();

    /// <param name="port">A fixed port, for restarts: links already sent to VNFMs must keep working.</param>
    public static Task<DoctorServer> StartAsync(TestDatabase database, SimulatedCloud? cloud = null, IDictionary<string, string?>? settings = null, int port = 0)
    {
        var config = new Dictionary<string, string?>
        {
            ["Doctor:Postgres"] = database.ConnectionString,
            ["Doctor:Auth:AdminToken"] = TestTokens.Admin,
            ["Doctor:Simulated:Topology"] = "doctor-test",
            ["Doctor:Maintenance:MinimumReplyWindow"] = "00:00:00.200",
            ["Doctor:Maintenance:Windows:scaleInReply"] = "00:00:15",
            ["Doctor:Maintenance:Windows:prepareReply"] = "00:00:15",
            ["Doctor:Maintenance:Windows:plannedReply"] = "00:00:15",
            ["Doctor:Maintenance:Windows:completeReply"] = "00:00:15",
            ["Doctor:Maintenance:DummyActionDuration"] = "00:00:00.010",
            ["Doctor:Notifier:BaseDelayMs"] = "50",
            ["Doctor:Notifier:MaxAttempts"] = "5",
        };
        if (port != 0)
            config["Doctor:Maintenance:PublicBaseUrl"] = $"http://127.0.0.1:{port}";
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
            config[k] = v;

        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach (var (k, v) in config)
                web.UseSetting(k, v);
            web.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
            if (cloud is not null)
                web.ConfigureTestServices(s =>
                {
                    s.AddSingleton(cloud);
                    s.AddSingleton<IInfrastructure>(cloud);
                });
        });
        factory.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, port));
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("[::]", "127.0.0.1").Replace("localhost", "127.0.0.1");
        factory.Services.GetRequiredService<PublicBaseUrl>().Value = address;
        return Task.FromResult(new DoctorServer(factory, address));
    }

    /// <summary>A client of this server with a fresh project token for <paramref name="projectId"/>.</summary>
    public async Task<HttpClient> ProjectClientAsync(string projectId, string name = "test")
    {
        var (_, token) = await TestTokens.CreateProjectTokenAsync(Client, projectId, name);
        return new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(30) }.WithToken(token);
    }

    public static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
    }
}
