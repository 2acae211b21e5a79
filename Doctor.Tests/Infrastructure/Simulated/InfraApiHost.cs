using Doctor.AdminApi.Infrastructure;
using Doctor.Workflows.Infrastructure.Simulated;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Doctor.Tests.Infrastructure.Simulated;

/// <summary>
/// A small real web host (Kestrel on a free loopback port) serving only the simulated cloud API, wired the way
/// Program.cs is to wire it: AddProblemDetails + AddSimulatedCloud + MapSimulatedCloudApi.
/// </summary>
internal sealed class InfraApiHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InfraApiHost(WebApplication app, HttpClient client)
    {
        _app = app;
        Client = client;
    }

    public HttpClient Client { get; }
    public SimulatedCloud Cloud => _app.Services.GetRequiredService<SimulatedCloud>();

    public static async Task<InfraApiHost> StartAsync(string topology = "doctor-test")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Doctor:Simulated:Topology"] = topology });
        builder.Services.AddProblemDetails();
        builder.Services.AddSimulatedCloud(builder.Configuration);
        var app = builder.Build();
        app.MapSimulatedCloudApi();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new InfraApiHost(app, new HttpClient { BaseAddress = new Uri(address) });
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
