using Doctor.AdminApi.Faults;
using Doctor.Tests.Infrastructure;
using Doctor.Workflows.Faults;
using Doctor.Workflows.Faults.WarmUp;
using Doctor.Workflows.Notifications.Alarms;
using Doctor.Workflows.Notifications.Delivery;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Doctor.Tests.Faults;

/// <summary>
/// The fault path's warm-up run in the service itself, over and over: every dry fault goes the whole way (its webhooks
/// reach the warm-up's sink, signed), and the store, the alarms, the books and the counters stay as they were.
/// </summary>
public sealed class FaultWarmUpTests(DoctorApiFactory api) : IClassFixture<DoctorApiFactory>
{
    private static readonly string[] Tables = ["events", "streams", "commands", "webhook_deliveries", "alarm_history", "alarms", "webhook_secrets", "subscriptions"];

    [Fact]
    public async Task GivenTheWarmUpRunAgainAndAgain_ThenEveryDryFaultReachesItsSink_AndTheServiceKeepsNothingOfIt()
    {
        using var admin = api.CreateClient();
        await admin.CreateEventAlarmAsync("doctor-test", "any-instance", new Uri("http://127.0.0.1:9/never"));
        var before = await SnapshotAsync();
        var warmUp = api.Services.GetRequiredService<FaultWarmUp>();
        var door = api.Services.GetRequiredService<InspectorWarmUpDoor>().Southbound();

        var reports = new List<WarmUpReport>();
        for (var i = 0; i < 2; i++)
            reports.Add(await warmUp.RunAsync(door, CancellationToken.None));

        Assert.All(reports, r =>
        {
            Assert.Null(r.Incomplete);
            Assert.True(r.Passes > 1, $"{r.Passes} passes");
            Assert.Equal(r.ExpectedWebhooks, r.Webhooks);
        });
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task GivenTheWarmUpsDirectories_WhenTheFeedAsksThemToRefresh_ThenTheyStillHoldTheDryAlarmsOnly()
    {
        await using var unused = Npgsql.NpgsqlDataSource.Create("Host=127.0.0.1;Port=1"); // a holding directory never reads its repository
        var dry = DryIncident.Create(new Uri("http://127.0.0.1:9/"), DateTimeOffset.UtcNow, projects: 2, instancesPerProject: 2);
        var alarms = AlarmDirectory.Holding(new AlarmRepository(unused, NullLogger<AlarmRepository>.Instance), dry.Alarms);
        var subscriptions = Doctor.Workflows.Notifications.Subscriptions.SubscriptionDirectory.Holding(
            new Doctor.Workflows.Notifications.Subscriptions.SubscriptionRepository(unused, NullLogger<Doctor.Workflows.Notifications.Subscriptions.SubscriptionRepository>.Instance), []);

        await alarms.RefreshAsync();
        await subscriptions.RefreshAsync();

        Assert.Equal(dry.Alarms.Select(a => a.Id), alarms.All.Select(a => a.Id));
        Assert.Empty(subscriptions.All);
    }

    [Fact]
    public void GivenAnUnreadableWarmUpSetting_ThenTheOptionsAreRefused_NamingTheSetting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Doctor:Faults:WarmUp"] = "maybe" }).Build();
        using var services = new ServiceCollection().AddLogging().AddFaultManagement(configuration).BuildServiceProvider();

        var refused = Assert.ThrowsAny<Exception>(() => services.GetRequiredService<IOptions<FaultOptions>>().Value);

        Assert.Contains("Doctor:Faults:WarmUp", refused.Message);
    }

    [Fact]
    public void GivenNoSetting_ThenTheWarmUpIsOn()
    {
        var configuration = new ConfigurationBuilder().Build();
        using var services = new ServiceCollection().AddLogging().AddFaultManagement(configuration).BuildServiceProvider();

        Assert.True(services.GetRequiredService<IOptions<FaultOptions>>().Value.WarmUp);
    }

    /// <summary>What anyone could see of the service: its tables, its books and directories, its delivery counters.</summary>
    private async Task<string> SnapshotAsync()
    {
        var parts = new List<string>();
        foreach (var table in Tables)
        {
            await using var count = api.Database.DataSource.CreateCommand($"SELECT count(*) FROM doctor.{table}");
            parts.Add($"{table}={await count.ExecuteScalarAsync()}");
        }
        await using (var alarms = api.Database.DataSource.CreateCommand("SELECT coalesce(string_agg(state || '@' || state_changed_at::text, ','), '') FROM doctor.alarms"))
            parts.Add($"alarm states={await alarms.ExecuteScalarAsync()}");
        var services = api.Services;
        parts.Add($"book={services.GetRequiredService<IncidentBook>().Count}");
        parts.Add($"directory={services.GetRequiredService<AlarmDirectory>().All.Count}");
        var counters = services.GetRequiredService<NotifierCounters>();
        parts.Add($"notifier={counters.Delivered}/{counters.Dead}/{counters.Retried}/{counters.Pending}");
        parts.Add($"dispatcher={services.GetRequiredService<WebhookDispatcher>().Pending}");
        return string.Join("; ", parts);
    }
}
