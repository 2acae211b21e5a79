using Doctor.AdminApi.Faults;
using Doctor.Tests.Infrastructure;
using Doctor.Workflows.Faults.WarmUp;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Doctor.Tests.Faults;

/// <summary>A deployment whose webhook targets exclude loopback: the warm-up cannot reach its own sink, and says so.</summary>
public sealed class FaultWarmUpRefusedTargetTests(FaultWarmUpRefusedTargetTests.LoopbackDenied api) : IClassFixture<FaultWarmUpRefusedTargetTests.LoopbackDenied>
{
    [Fact]
    public async Task GivenWebhookTargetsThatRefuseLoopback_ThenTheWarmUpStopsAtItsFirstDryFault_AndTheServiceStartsAnyway()
    {
        using var client = api.CreateClient();
        using var health = await client.GetAsync("/health");
        Assert.True(health.IsSuccessStatusCode);

        var report = await api.Services.GetRequiredService<FaultWarmUp>().RunAsync(api.Services.GetRequiredService<InspectorWarmUpDoor>().Southbound(), CancellationToken.None);

        Assert.Equal(1, report.Passes);
        Assert.Equal(0, report.Webhooks);
        Assert.Contains("given up", report.Incomplete);
        await using var rows = api.Database.DataSource.CreateCommand("SELECT (SELECT count(*) FROM doctor.events) + (SELECT count(*) FROM doctor.webhook_deliveries)");
        Assert.Equal(0L, await rows.ExecuteScalarAsync());
    }

    public sealed class LoopbackDenied : DoctorApiFactory
    {
        protected override void ConfigureDoctor(IWebHostBuilder builder) => builder.UseSetting("Doctor:WebhookTargets:Deny:0", "127.0.0.0/8");
    }
}
