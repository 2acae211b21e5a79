using System.Text.Json;
using System.Text.Json.Nodes;
using Doctor.Workflows.EventStore;

namespace Doctor.Tests.EventStore;

public sealed class EventTypeRegistryTests(EventStoreDatabase db) : IClassFixture<EventStoreDatabase>
{
    public enum HostState { Up, ForcedDown }

    public sealed record HostMarkedDownV1(string Host);

    public sealed record HostMarkedDown(string HostName, string Reason, HostState State);

    public sealed record ReplyReceived(string ProjectId, bool Ack);

    private static EventTypeRegistry Registry() => new EventTypeRegistry()
        .Register<HostMarkedDown>("incident.host_marked_down.v2")
        .Register<ReplyReceived>("maintenance.reply_received.v1")
        .RegisterUpcaster("incident.host_marked_down.v1", "incident.host_marked_down.v2", old => new JsonObject
        {
            ["host_name"] = old["host"]?.DeepClone(),
            ["reason"] = "unknown (stored before v2)",
            ["state"] = "forced_down",
        });

    private static RecordedEvent Recorded(string type, string data, string stream = "incident-1") =>
        new(42, Guid.NewGuid(), stream, 1, type, data, EventMetadata.Engine("c"), DateTimeOffset.UtcNow);

    [Fact]
    public void Serialize_RegisteredEvent_UsesTheStableNameAndSnakeCaseJson()
    {
        var id = Guid.NewGuid();

        var stored = Registry().Serialize(new HostMarkedDown("compute-1", "ping lost", HostState.ForcedDown), id);

        Assert.Equal("incident.host_marked_down.v2", stored.Type);
        Assert.Equal(id, stored.Id);
        Assert.Equal("""{"host_name":"compute-1","reason":"ping lost","state":"forced_down"}""", stored.Data);
    }

    [Fact]
    public void Deserialize_OfASerializedEvent_ReturnsAnEqualRecord()
    {
        var registry = Registry();
        var reply = new ReplyReceived("p1", true);

        var back = registry.Deserialize(Recorded("maintenance.reply_received.v1", registry.Serialize(reply).Data));

        Assert.Equal(reply, back);
        Assert.Equal(reply, registry.Deserialize<ReplyReceived>(Recorded("maintenance.reply_received.v1", """{"project_id":"p1","ack":true}""")));
    }

    [Fact]
    public void Deserialize_OfAnOldShapeWithAnUpcaster_ReturnsTheNewType()
    {
        var evt = Registry().Deserialize(Recorded("incident.host_marked_down.v1", """{"host": "compute-7"}"""));

        Assert.Equal(new HostMarkedDown("compute-7", "unknown (stored before v2)", HostState.ForcedDown), evt);
    }

    [Fact]
    public void Deserialize_ThroughChainedUpcasters_AppliesEachInOrder()
    {
        var registry = new EventTypeRegistry()
            .Register<ReplyReceived>("maintenance.reply_received.v3")
            .RegisterUpcaster("maintenance.reply_received.v2", "maintenance.reply_received.v3", n => { n["ack"] = n["answer"]!.GetValue<string>() == "ACK"; return n; })
            .RegisterUpcaster("maintenance.reply_received.v1", "maintenance.reply_received.v2", n => new JsonObject { ["project_id"] = n["project"]!.DeepClone(), ["answer"] = n["state"]!.DeepClone() });

        var evt = registry.Deserialize(Recorded("maintenance.reply_received.v1", """{"project":"p9","state":"ACK"}"""));

        Assert.Equal(new ReplyReceived("p9", true), evt);
        Assert.Equal(typeof(ReplyReceived), registry.TypeOf("maintenance.reply_received.v1"));
    }

    [Fact]
    public void Deserialize_OfAnUnknownType_ThrowsNamingTheTypeAndTheStream()
    {
        var error = Assert.Throws<UnknownEventTypeException>(() =>
            Registry().Deserialize(Recorded("maintenance.session_exploded.v1", "{}", stream: "maintenance-s1")));

        Assert.Equal("maintenance.session_exploded.v1", error.TypeName);
        Assert.Equal("maintenance-s1", error.StreamId);
        Assert.Contains("maintenance.session_exploded.v1", error.Message);
        Assert.Contains("maintenance-s1", error.Message);
    }

    [Fact]
    public void Deserialize_WhenAnUpcasterLeadsToAnUnregisteredType_ThrowsNamingThatType()
    {
        var registry = new EventTypeRegistry().RegisterUpcaster("a.v1", "a.v2", n => n);

        var error = Assert.Throws<UnknownEventTypeException>(() => registry.Deserialize(Recorded("a.v1", "{}")));

        Assert.Equal("a.v2", error.TypeName);
    }

    [Fact]
    public void Serialize_OfAnUnregisteredType_ThrowsNamingTheClrType()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Registry().Serialize(new HostMarkedDownV1("x")));

        Assert.Contains(nameof(HostMarkedDownV1), error.Message);
    }

    [Fact]
    public void Register_ConflictingNamesOrCycles_AreRefused()
    {
        var registry = Registry();

        Assert.Throws<InvalidOperationException>(() => registry.Register<HostMarkedDownV1>("incident.host_marked_down.v2"));
        Assert.Throws<InvalidOperationException>(() => registry.Register<HostMarkedDown>("incident.host_marked_down.v3"));
        Assert.Throws<InvalidOperationException>(() => registry.Register<HostMarkedDownV1>("incident.host_marked_down.v1"));
        Assert.Throws<InvalidOperationException>(() => registry.RegisterUpcaster("maintenance.reply_received.v1", "x.v2", n => n));
        registry.RegisterUpcaster("x.v1", "x.v2", n => n);
        Assert.Throws<InvalidOperationException>(() => registry.RegisterUpcaster("x.v2", "x.v1", n => n));
    }

    [Fact]
    public async Task Deserialize_OfAnOldEventReadFromTheStore_IsUpcastAndTheStoredJsonStaysAsWritten()
    {
        var stream = "incident-" + Guid.NewGuid().ToString("N");
        await db.Store.AppendAsync(stream, "incident", ExpectedVersion.NoStream,
            [new EventToAppend("incident.host_marked_down.v1", """{"host": "compute-3"}""")], EventMetadata.Engine("c"));

        var stored = (await db.Store.ReadStreamAsync(stream)).Single();
        var evt = Registry().Deserialize(stored);

        Assert.Equal(new HostMarkedDown("compute-3", "unknown (stored before v2)", HostState.ForcedDown), evt);
        Assert.Equal("incident.host_marked_down.v1", stored.Type);
        Assert.Equal("compute-3", JsonDocument.Parse(stored.Data).RootElement.GetProperty("host").GetString());
    }
}
