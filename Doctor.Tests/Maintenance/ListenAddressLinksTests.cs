using Doctor.Tests.Infrastructure;
using Doctor.Tests.ScaleOut;
using Doctor.Workflows.Infrastructure.Simulated;

namespace Doctor.Tests.Maintenance;

/// <summary>
/// Issue 13, defect 3: started with <c>--urls http://127.0.0.1:P</c> and no <c>Doctor:Maintenance:PublicBaseUrl</c>,
/// the service puts P into every reply_url and instance_ids link (not a default port where nothing listens), says so
/// at start, and a VNFM that follows the links brings the session to its end.
/// </summary>
[Collection(ServiceProcessCollection.Name)]
public sealed class ListenAddressLinksTests : IAsyncLifetime
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(120);
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task GivenNoPublicBaseUrl_WhenTheServiceListensOnAFreePort_ThenEveryLinkNamesThatPort_AndAVnfmFollowingThemFinishesTheSession()
    {
        var settings = ScaleOutSettings.For(_db);
        settings["Doctor:Maintenance:PublicBaseUrl"] = "";
        await using var service = await ServiceProcess.StartAsync("links", settings);
        Assert.NotEqual(5080, service.Port);
        await using var vnfm = await SampleAppManager.StartAsync(service.Client, SimulatedTopologies.DoctorTestProject);
        await vnfm.SubscribeAsync();

        var sid = await service.Client.OpenSessionAsync(TimeSpan.FromSeconds(3));
        var session = await service.Client.WaitForStateAsync(sid, Within, "MAINTENANCE_DONE", "MAINTENANCE_FAILED");

        Assert.Equal("MAINTENANCE_DONE", session["state"]!.GetValue<string>());
        Assert.Empty(vnfm.Errors);
        var links = (await SessionStream.ReadAsync(_db.DataSource, sid))
            .Where(e => e.Type == "notification.emitted.v1")
            .SelectMany(e => System.Text.RegularExpressions.Regex.Matches(e.Data.ToJsonString(), "https?://[^\"\\\\]+").Select(m => m.Value))
            .ToList();
        Assert.NotEmpty(links);
        Assert.All(links, link => Assert.StartsWith($"{service.BaseUrl}/v1/maintenance/{sid}", link));
        Assert.Contains($"use {service.BaseUrl}, the first address the service listens on", service.ReadLog());
    }

    [Fact]
    public async Task GivenAPublicBaseUrlThatIsNoUrl_ThenTheServiceDoesNotStart_NamingTheSetting()
    {
        var settings = ScaleOutSettings.For(_db);
        settings["Doctor:Maintenance:PublicBaseUrl"] = "node-a:5080";
        var failure = await Assert.ThrowsAnyAsync<Exception>(async () => await (await ServiceProcess.StartAsync("bad-links", settings)).DisposeAsync());
        Assert.Contains("Doctor:Maintenance:PublicBaseUrl: must be an absolute http or https URL", failure.Message);
    }
}
