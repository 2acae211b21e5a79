using System.Globalization;
using System.Net;
using Doctor.Tests.Infrastructure;
using Doctor.Tests.Maintenance;
using Doctor.Workflows.Infrastructure.Simulated;
using Doctor.Workflows.Notifications.Bus;
using Microsoft.Extensions.DependencyInjection;

namespace Doctor.Tests.Notifications.Bus;

/// <summary>
/// The bus on the test run's RabbitMQ (<see cref="TestBroker"/>), heard the way an OpenStack service hears it: a queue
/// of its own bound to the topic exchange <c>doctor</c>, read with RabbitMQ.Client. One collection: the exchange is
/// shared, so sessions of these tests would otherwise mix on it (messages are told apart by session id anyway).
/// </summary>
[Collection("bus-rabbitmq")]
public sealed class RabbitMqBusTests : IAsyncLifetime
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(90);
    private static readonly string[] Hosts = ["compute-0", "compute-1", "compute-2"];
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task GivenRabbitMq_WhenAMaintenanceSessionRuns_ThenABoundQueueHearsEachHostEnterAndLeaveMaintenance()
    {
        await using var queue = await BrokerQueue.BindAsync(TestBroker.Uri, "maintenance.host");
        await using var server = await DoctorServer.StartAsync(_db, settings: RabbitMqSettings(TestBroker.Uri));
        await using var vnfm = await SampleAppManager.StartAsync(server.Client, SimulatedTopologies.DoctorTestProject);
        await vnfm.SubscribeAsync();
        await BusProbe.WaitForHealthAsync(server.Client, "healthy", Within);

        var sid = await server.Client.OpenSessionAsync(TimeSpan.FromSeconds(10));
        var session = await server.Client.WaitForStateAsync(sid, Within, "MAINTENANCE_DONE", "MAINTENANCE_FAILED");
        Assert.True(session["state"]!.GetValue<string>() == "MAINTENANCE_DONE", session.ToJsonString());
        var received = (await queue.WaitForAsync(m => OfSession(m, sid).Count >= 2 * Hosts.Length, Within));

        AssertEachHostEnteredThenLeft(OfSession(received, sid));
        Assert.Empty(queue.Unreadable);
        Assert.All(received, m => Assert.Equal("maintenance.host", m.RoutingKey)); // the binding, not a fan-out
        // Doctor's own inspector heard the same messages from its own queue and reacted to each.
        var reactions = server.Services.GetRequiredService<InspectorReactions>();
        var messageIds = OfSession(received, sid).Select(m => m.Text("message_id")).ToHashSet();
        await BusProbe.WaitForAsync(() => Task.FromResult(messageIds.IsSubsetOf(reactions.Recent.Select(r => r.MessageId)) ? "" : null),
            Within, "the inspector's reaction to every maintenance.host of the session");
        Assert.All(reactions.Recent.Where(r => messageIds.Contains(r.MessageId)), r => Assert.NotEqual(InspectorReaction.Ignored, r.Outcome));
        Assert.All(await server.Cloud.ListHostsAsync(), h => Assert.Equal("normal", h.State));
        await BusProbe.WaitForMetricAsync(server.Client, "doctor_bus_published_total{event_type=\"maintenance.host\"}", v => v >= 2 * Hosts.Length, Within);
    }

    [Fact]
    public async Task GivenTheBrokerGoesAwayMidRun_ThenApiKeepsServingHealthIsDegradedAndPendingMessagesFollowOnceItIsBack()
    {
        await using var relay = TcpRelay.Start(TestBroker.Uri);
        await using var queue = await BrokerQueue.BindAsync(TestBroker.Uri, "maintenance.host");
        await using var server = await DoctorServer.StartAsync(_db, settings: RabbitMqSettings(relay.Through(TestBroker.Uri)));
        await using var vnfm = await SampleAppManager.StartAsync(server.Client, SimulatedTopologies.DoctorTestProject);
        await vnfm.SubscribeAsync();
        await BusProbe.WaitForHealthAsync(server.Client, "healthy", Within);

        relay.Break();
        await BusProbe.WaitForHealthAsync(server.Client, "degraded", Within);
        var sid = await server.Client.OpenSessionAsync(TimeSpan.FromSeconds(10));
        var session = await server.Client.WaitForStateAsync(sid, Within, "MAINTENANCE_DONE", "MAINTENANCE_FAILED");

        // The whole session ran over the API with the broker gone; nothing reached the exchange, all of it waits.
        Assert.Equal("MAINTENANCE_DONE", session["state"]!.GetValue<string>());
        Assert.Empty(vnfm.Errors);
        var health = await BusProbe.WaitForHealthAsync(server.Client, "degraded", Within);
        Assert.Equal("healthy", health["checks"]!["database"]!["status"]!.GetValue<string>());
        Assert.Empty(OfSession(queue.Received.ToArray(), sid));
        await BusProbe.WaitForMetricAsync(server.Client, "doctor_bus_pending", v => v >= 2 * Hosts.Length, Within);

        relay.Restore();

        var received = await queue.WaitForAsync(m => OfSession(m, sid).Count >= 2 * Hosts.Length, Within);
        AssertEachHostEnteredThenLeft(OfSession(received, sid));
        await BusProbe.WaitForHealthAsync(server.Client, "healthy", Within);
        await BusProbe.WaitForMetricAsync(server.Client, "doctor_bus_pending", v => v == 0, Within);
        Assert.All(await server.Cloud.ListHostsAsync(), h => Assert.Equal("normal", h.State)); // late IN_MAINTENANCE left alone
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync($"/v1/maintenance/{sid}")).StatusCode);
    }

    [Fact]
    public async Task GivenRabbitMq_WhenAHostFails_ThenABoundQueueHearsOneComputeInstanceUpdatePerInstance_AsStoredInTheIncidentsOutboxRecord()
    {
        await using var queue = await BrokerQueue.BindAsync(TestBroker.Uri, "compute.instance.update");
        var cloud = Doctor.Tests.Faults.FaultClouds.Create(hosts: 2, vmsPerHost: 5, owners: 2);
        await using var server = await DoctorServer.StartAsync(_db, cloud, settings: RabbitMqSettings(TestBroker.Uri));
        await BusProbe.WaitForHealthAsync(server.Client, "healthy", Within);
        var onHost = (await cloud.ListInstancesAsync("compute-1")).Select(i => i.Id).ToHashSet();

        var answer = await Doctor.Tests.Faults.FaultApi.PutEventsAsync(server.Client, Doctor.Tests.Faults.FaultApi.HostDown("compute-1"));
        var incident = answer["incidents"]![0]!["incident_id"]!.GetValue<string>();

        List<ReceivedBusMessage> OfIncident(IEnumerable<ReceivedBusMessage> messages) =>
            [.. messages.Where(m => m.Body["payload"]?["incident_id"]?.GetValue<string>() == incident)];
        var received = OfIncident(await queue.WaitForAsync(m => OfIncident(m).Count >= onHost.Count, Within));
        Assert.Equal(onHost, received.Select(m => m.PayloadText("instance_id")).ToHashSet());
        Assert.All(received, m =>
        {
            Assert.Equal("compute.instance.update", m.RoutingKey);
            Assert.Equal("error", m.PayloadText("state"));
            Assert.Equal("DOWN", m.PayloadText("host_status"));
        });
        Assert.Equal(onHost.Count, received.Select(m => m.Text("message_id")).Distinct().Count());
        Assert.Empty(queue.Unreadable);
    }

    private static Dictionary<string, string?> RabbitMqSettings(Uri broker) => new()
    {
        ["Doctor:RabbitMq"] = broker.ToString(),
        // A queue per test server: servers of other tests must not take this one's messages.
        ["Doctor:BusInspectorQueue"] = $"doctor-inspector-test-{Guid.NewGuid():N}",
        ["Doctor:BusPublishTimeout"] = "00:00:05",
    };

    private static List<ReceivedBusMessage> OfSession(IEnumerable<ReceivedBusMessage> messages, string sid) =>
        messages.Where(m => m.Body["payload"]?["session_id"]?.GetValue<string>() == sid).ToList();

    /// <summary>The envelope of CONTRACTS.md "Bus", and per host IN_MAINTENANCE then MAINTENANCE_COMPLETE, once each.</summary>
    private static void AssertEachHostEnteredThenLeft(IReadOnlyList<ReceivedBusMessage> messages)
    {
        foreach (var message in messages)
        {
            Assert.Equal("maintenance.host", message.RoutingKey);
            Assert.Equal("application/json", message.ContentType);
            Assert.Equal(["event_type", "message_id", "payload", "priority", "publisher_id", "timestamp"], message.Body.Select(p => p.Key).Order());
            Assert.True(Guid.TryParse(message.Text("message_id"), out _));
            Assert.Equal(message.Text("message_id"), message.AmqpMessageId);
            Assert.True(message.Persistent, "published non-persistent");
            Assert.Equal("doctor", message.Text("publisher_id"));
            Assert.Equal("maintenance.host", message.Text("event_type"));
            Assert.Equal("INFO", message.Text("priority"));
            Assert.True(DateTime.TryParseExact(message.Text("timestamp"), "yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
                $"timestamp {message.Text("timestamp")} is not oslo's format");
            Assert.Equal("doctor", message.PayloadText("service"));
        }
        Assert.Equal(messages.Count, messages.Select(m => m.Text("message_id")).Distinct().Count());
        foreach (var host in Hosts)
        {
            var states = messages.Where(m => m.PayloadText("host") == host).Select(m => m.PayloadText("state")).ToList();
            Assert.Equal(["IN_MAINTENANCE", "MAINTENANCE_COMPLETE"], states);
        }
    }
}
