using System.Text;
using System.Text.Json.Nodes;
using Doctor.Workflows.Infrastructure;
using Doctor.Workflows.Infrastructure.OpenStack;

namespace Doctor.Tests.OpenStack;

/// <summary>Nova's versioned notifications, in oslo.messaging's v2 envelope, as the changes the resource map applies.</summary>
public sealed class NovaNotificationTests
{
    private static byte[] Envelope(string eventType, JsonObject data)
    {
        var message = new JsonObject
        {
            ["message_id"] = Guid.NewGuid().ToString(), ["publisher_id"] = "nova-compute:compute-0", ["event_type"] = eventType, ["priority"] = "INFO",
            ["payload"] = new JsonObject { ["nova_object.name"] = "Payload", ["nova_object.namespace"] = "nova", ["nova_object.data"] = data },
        };
        return Encoding.UTF8.GetBytes(new JsonObject { ["oslo.version"] = "2.0", ["oslo.message"] = message.ToJsonString() }.ToJsonString());
    }

    [Theory]
    [InlineData("instance.create.end", InfrastructureChange.InstanceCreated)]
    [InlineData("instance.update", InfrastructureChange.InstanceUpdated)]
    [InlineData("instance.live_migration_post_dest.end", InfrastructureChange.InstanceMoved)]
    [InlineData("instance.resize_finish.end", InfrastructureChange.InstanceMoved)]
    public void GivenAnInstanceNotification_WhenParsed_ThenItPlacesTheInstanceOnItsHostForItsOwner(string eventType, string kind)
    {
        var change = NovaNotification.Parse(Envelope(eventType, new JsonObject { ["uuid"] = "i-1", ["host"] = "compute-2", ["tenant_id"] = "p-1", ["state"] = "active" }));

        Assert.Equal(new InfrastructureChange(kind, "i-1", "compute-2", "p-1"), change);
    }

    [Fact]
    public void GivenADeleteEnd_WhenParsed_ThenTheInstanceIsDeleted()
    {
        var change = NovaNotification.Parse(Envelope("instance.delete.end", new JsonObject { ["uuid"] = "i-1", ["host"] = null, ["tenant_id"] = "p-1" }));

        Assert.Equal(InfrastructureChange.InstanceDeleted, change!.Kind);
        Assert.Equal("i-1", change.InstanceId);
    }

    [Fact]
    public void GivenAComputeServiceUpdate_WhenParsed_ThenTheHostIsUpdated_AndOtherServicesAreIgnored()
    {
        var compute = NovaNotification.Parse(Envelope("service.update", new JsonObject { ["host"] = "compute-1", ["binary"] = "nova-compute", ["forced_down"] = false }));
        var scheduler = NovaNotification.Parse(Envelope("service.update", new JsonObject { ["host"] = "ctl", ["binary"] = "nova-scheduler" }));

        Assert.Equal(new InfrastructureChange(InfrastructureChange.HostUpdated, null, "compute-1", null), compute);
        Assert.Null(scheduler);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"oslo.version\":\"2.0\",\"oslo.message\":\"{broken\"}")]
    [InlineData("{\"event_type\":\"instance.update\"}")]
    public void GivenAMessageItCannotRead_WhenParsed_ThenNothingIsApplied(string body) =>
        Assert.Null(NovaNotification.Parse(Encoding.UTF8.GetBytes(body)));

    [Fact]
    public void GivenTheSourcesLateLiveMigrationPostEnd_WhenParsed_ThenItDoesNotMoveTheInstanceBack() =>
        Assert.Null(NovaNotification.Parse(Envelope("instance.live_migration_post.end", new JsonObject { ["uuid"] = "i-1", ["host"] = "compute-2", ["tenant_id"] = "p-1" })));

    [Fact]
    public void GivenAnInstanceWithoutAHostYet_WhenParsed_ThenNothingIsPlaced() =>
        Assert.Null(NovaNotification.Parse(Envelope("instance.update", new JsonObject { ["uuid"] = "i-1", ["host"] = null, ["tenant_id"] = "p-1" })));
}
