using System.Net;
using System.Text.Json.Nodes;
using Doctor.Tests.Infrastructure;
using Doctor.Tests.Maintenance;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Notifications.Bus;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Doctor.Tests.Notifications.Bus;

/// <summary>The default bus (MassTransit in-memory): notifications from the store reach Doctor's inspector, which reacts in the cloud.</summary>
public sealed class InMemoryBusTests : IAsyncLifetime
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task GivenDefaultConfiguration_ThenHealthReportsTheBusHealthy()
    {
        await using var server = await DoctorServer.StartAsync(_db);

        var health = await BusProbe.WaitForHealthAsync(server.Client, "healthy", Within);

        Assert.Equal("healthy", health["checks"]!["bus"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task GivenHostBeingEmptied_WhenTheStoreEmitsInMaintenanceThenComplete_ThenInspectorMarksItsInstancesAndBack()
    {
        await using var server = await DoctorServer.StartAsync(_db);
        var cloud = server.Cloud;
        var host = (await cloud.ListInstancesAsync()).First().Host;
        // As the engine leaves a host it maintains (compute disabled), but without setting the state itself.
        await cloud.SetComputeEnabledAsync(host, false, "maintenance session bus-test");

        var entered = await BusProbe.EmitAsync(server.Services, "maintenance.host", HostPayload(host, "IN_MAINTENANCE"));

        var applied = await WaitForReactionAsync(server, entered.MessageId);
        Assert.Equal((host, "IN_MAINTENANCE", InspectorReaction.Applied), (applied.Host, applied.State, applied.Outcome));
        Assert.Equal("maintenance", (await cloud.ListHostsAsync()).Single(h => h.Name == host).State);
        Assert.All(await cloud.ListInstancesAsync(host), i => Assert.Equal("MAINTENANCE", i.HostStatus));

        var completed = await BusProbe.EmitAsync(server.Services, "maintenance.host", HostPayload(host, "MAINTENANCE_COMPLETE"));

        Assert.Equal(InspectorReaction.Applied, (await WaitForReactionAsync(server, completed.MessageId)).Outcome);
        Assert.Equal("normal", (await cloud.ListHostsAsync()).Single(h => h.Name == host).State);
        Assert.All(await cloud.ListInstancesAsync(host), i => Assert.Equal("UP", i.HostStatus));
        await BusProbe.WaitForMetricAsync(server.Client, "doctor_bus_published_total{event_type=\"maintenance.host\"}", v => v == 2, Within);
        await BusProbe.WaitForMetricAsync(server.Client, "doctor_bus_inspector_reactions_total{outcome=\"applied\",state=\"IN_MAINTENANCE\"}", v => v == 1, Within);
        await BusProbe.WaitForMetricAsync(server.Client, "doctor_bus_pending", v => v == 0, Within);
    }

    [Fact]
    public async Task GivenHostAlreadyInMaintenance_WhenInspectorHearsItTwice_ThenNothingChangesAndItSaysAlready()
    {
        await using var server = await DoctorServer.StartAsync(_db);
        var host = (await server.Cloud.ListHostsAsync()).First().Name;
        await server.Cloud.SetComputeEnabledAsync(host, false, "maintenance session bus-test");
        await server.Cloud.SetHostStateAsync(host, "maintenance"); // the engine got there first

        var first = await BusProbe.EmitAsync(server.Services, "maintenance.host", HostPayload(host, "IN_MAINTENANCE"));
        var again = await BusProbe.EmitAsync(server.Services, "maintenance.host", HostPayload(host, "IN_MAINTENANCE"));

        Assert.Equal(InspectorReaction.Already, (await WaitForReactionAsync(server, first.MessageId)).Outcome);
        Assert.Equal(InspectorReaction.Already, (await WaitForReactionAsync(server, again.MessageId)).Outcome);
        Assert.Equal("maintenance", (await server.Cloud.ListHostsAsync()).Single(h => h.Name == host).State);
    }

    [Fact]
    public async Task GivenHostBackInService_WhenALateInMaintenanceArrivesOnTheBus_ThenInspectorLeavesTheHostAlone()
    {
        await using var server = await DoctorServer.StartAsync(_db);
        var host = (await server.Cloud.ListHostsAsync()).First().Name;
        await BusProbe.WaitForHealthAsync(server.Client, "healthy", Within);

        // Straight onto the bus, as any other publisher of maintenance.host would.
        var late = new BusNotification(Guid.NewGuid().ToString(), "doctor", "maintenance.host", "INFO", "2026-11-28 20:00:00.000000", HostPayload(host, "IN_MAINTENANCE"));
        await server.Services.GetRequiredService<IBus>().Publish(late);

        Assert.Equal(InspectorReaction.Stale, (await WaitForReactionAsync(server, late.MessageId)).Outcome);
        Assert.Equal("normal", (await server.Cloud.ListHostsAsync()).Single(h => h.Name == host).State);
    }

    [Fact]
    public async Task GivenNotificationsFromBeforeTheBus_WhenThePublisherFirstRuns_ThenOnlyLaterOnesArePublished()
    {
        // A deployment that ran without the bus: its store already holds notifications.
        await EventStoreSchema.MigrateAsync(_db.DataSource);
        var old = await BusProbe.EmitAsync(new PostgresEventStore(_db.DataSource), "maintenance.host", HostPayload("compute-0", "IN_MAINTENANCE"));
        await using var server = await DoctorServer.StartAsync(_db);

        var fresh = await BusProbe.EmitAsync(server.Services, "maintenance.host", HostPayload("compute-0", "MAINTENANCE_COMPLETE"));

        await WaitForReactionAsync(server, fresh.MessageId);
        Assert.DoesNotContain(server.Services.GetRequiredService<InspectorReactions>().Recent, r => r.MessageId == old.MessageId);
        Assert.Equal(1, await BusProbe.MetricAsync(server.Client, "doctor_bus_published_total{event_type=\"maintenance.host\"}"));
    }

    [Fact]
    public async Task GivenBrokerUnreachable_ThenApiServesHealthSaysDegradedAndNotificationsWait()
    {
        var closedPort = DoctorServer.FreePort();
        await using var server = await DoctorServer.StartAsync(_db, settings: new Dictionary<string, string?>
        {
            ["Doctor:RabbitMq"] = $"amqp://guest:guest@127.0.0.1:{closedPort}/",
        });

        var health = await BusProbe.WaitForHealthAsync(server.Client, "degraded", Within);
        await BusProbe.EmitAsync(server.Services, "maintenance.host", HostPayload("compute-0", "IN_MAINTENANCE"));

        Assert.Equal("healthy", health["checks"]!["database"]!["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/v1/maintenance")).StatusCode);
        await BusProbe.WaitForMetricAsync(server.Client, "doctor_bus_pending", v => v >= 1, Within);
        await BusProbe.WaitForMetricAsync(server.Client, "doctor_bus_publish_failures_total", v => v >= 1, Within);
        Assert.Null(await BusProbe.MetricAsync(server.Client, "doctor_bus_published_total{event_type=\"maintenance.host\"}"));
    }

    private static JsonObject HostPayload(string host, string state) => new()
    {
        ["service"] = "doctor",
        ["state"] = state,
        ["session_id"] = "bus-test",
        ["host"] = host,
        ["project_id"] = null,
    };

    private static Task<InspectorReaction> WaitForReactionAsync(DoctorServer server, string messageId) =>
        BusProbe.WaitForAsync(
            () => Task.FromResult(server.Services.GetRequiredService<InspectorReactions>().Recent.FirstOrDefault(r => r.MessageId == messageId)),
            Within, $"the inspector's reaction to {messageId}");
}
