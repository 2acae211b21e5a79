using Doctor.Workflows.Faults;
using Doctor.Workflows.Infrastructure;
using Doctor.Workflows.Infrastructure.Simulated;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Doctor.Benchmarks.Faults;

/// <summary>The real service on a loopback Kestrel port, on a benchmark database, with a simulated cloud of our making.</summary>
public sealed class DoctorService : IAsyncDisposable
{
    private readonly WebApplicationFactory<Doctor.AdminApi.Faults.InspectorResponse> _factory;

    private DoctorService(WebApplicationFactory<Doctor.AdminApi.Faults.InspectorResponse> factory, string baseUrl)
    {
        _factory = factory;
        Client = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(2) };
    }

    public HttpClient Client { get; }
    public FaultInspector Inspector => _factory.Services.GetRequiredService<FaultInspector>();
    public IncidentBook Book => _factory.Services.GetRequiredService<IncidentBook>();

    public static DoctorService Start(string connectionString, SimulatedCloud cloud)
    {
        var factory = new WebApplicationFactory<Doctor.AdminApi.Faults.InspectorResponse>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Doctor:Postgres", connectionString);
            // The monitor and consumers of the benchmark are trusted loopback peers: no tokens on the measured path.
            web.UseSetting("Doctor:Auth:Mode", "none");
            web.UseSetting("Doctor:Simulated:Topology", "empty");
            web.UseSetting("Logging:LogLevel:Default", "Warning");
            web.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
            web.ConfigureTestServices(s =>
            {
                s.AddSingleton(cloud);
                s.AddSingleton<IInfrastructure>(cloud);
            });
        });
        factory.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("[::]", "127.0.0.1");
        return new DoctorService(factory, address);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
    }
}
