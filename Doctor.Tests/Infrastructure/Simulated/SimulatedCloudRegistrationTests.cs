using Doctor.Workflows.Infrastructure;
using Doctor.Workflows.Infrastructure.Simulated;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Doctor.Tests.Infrastructure.Simulated;

public class SimulatedCloudRegistrationTests
{
    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSimulatedCloud(builder.Configuration);
        return builder.Build();
    }

    [Fact]
    public async Task AddSimulatedCloud_RegistersOneSingletonAsIInfrastructure_WithConfiguredTopologyAndLatency()
    {
        using var host = Build(new() { ["Doctor:Simulated:Topology"] = "doctor-test", ["Doctor:Simulated:ActionLatencyMs"] = "200" });
        await host.StartAsync();

        var cloud = host.Services.GetRequiredService<SimulatedCloud>();

        Assert.Same(cloud, host.Services.GetRequiredService<IInfrastructure>());
        Assert.Equal(TimeSpan.FromMilliseconds(200), host.Services.GetRequiredService<IOptions<SimulatedCloudOptions>>().Value.ActionLatency);
        Assert.Equal(6, (await cloud.ListInstancesAsync()).Count);
        await host.StopAsync();
    }

    [Fact]
    public void AddSimulatedCloud_WithoutSettings_SeedsTheDemo()
    {
        using var host = Build([]);

        Assert.NotEmpty(host.Services.GetRequiredService<SimulatedCloud>().Snapshot().Instances);
        Assert.Equal(TimeSpan.Zero, host.Services.GetRequiredService<IOptions<SimulatedCloudOptions>>().Value.ActionLatency);
    }

    [Theory]
    [InlineData("Doctor:Simulated:Topology", "galaxy", "Doctor:Simulated:Topology: unknown topology 'galaxy'")]
    [InlineData("Doctor:Simulated:ActionLatencyMs", "-5", "Doctor:Simulated:ActionLatencyMs: must be 0 or more, got -5")]
    public async Task AddSimulatedCloud_WithBadSetting_FailsAtStartNamingTheSetting(string key, string value, string named)
    {
        using var host = Build(new() { [key] = value });

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(named, e.Message);
    }

    [Fact]
    public async Task AddSimulatedCloud_WithNonNumericLatency_FailsAtStartNamingTheSetting()
    {
        using var host = Build(new() { ["Doctor:Simulated:ActionLatencyMs"] = "soon" });

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("Doctor:Simulated:ActionLatencyMs", e.Message);
    }
}
