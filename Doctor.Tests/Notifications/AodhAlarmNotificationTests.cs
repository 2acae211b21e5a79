using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Doctor.Workflows.Notifications.Alarms;
using static Doctor.Tests.Notifications.AlarmExamples;

namespace Doctor.Tests.Notifications;

public class AodhAlarmNotificationTests
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static JsonArray TraitsOf(string payload)
    {
        var body = Body(Alarm(), Notification(payload: payload));
        return body["reason_data"]!["event"]!["traits"]!.AsArray();
    }

    private static JsonObject Body(EventAlarm alarm, Workflows.Notifications.NotificationEmitted notification)
    {
        var firing = AlarmEvaluator.Evaluate(alarm, notification)!;
        var bytes = AodhAlarmNotification.For(firing, notification, EventTrait.From(notification.Payload)).ToUtf8Json();
        return JsonNode.Parse(bytes)!.AsObject();
    }

    [Theory]
    [InlineData("""{"session_id": "7f6b1c"}""", 1, "\"7f6b1c\"")]
    [InlineData("""{"n": 42}""", 2, "42")]
    [InlineData("""{"n": -7}""", 2, "-7")]
    [InlineData("""{"n": 2.5}""", 3, "2.5")]
    [InlineData("""{"n": 3.0}""", 3, "3.0")]
    [InlineData("""{"n": 1e3}""", 3, "1e3")]
    [InlineData("""{"t": "2026-11-22T10:00:00Z"}""", 4, "\"2026-11-22T10:00:00Z\"")]
    [InlineData("""{"t": "2026-11-22 10:00:00"}""", 4, "\"2026-11-22 10:00:00\"")]
    [InlineData("""{"t": "2026-11-22 is the day"}""", 1, "\"2026-11-22 is the day\"")]
    [InlineData("""{"b": true}""", 1, "\"True\"")]
    [InlineData("""{"b": false}""", 1, "\"False\"")]
    [InlineData("""{"ids": ["a", "b"]}""", 1, "\"[\\\"a\\\",\\\"b\\\"]\"")]
    [InlineData("""{"metadata": {"k": 1}}""", 1, "\"{\\\"k\\\":1}\"")]
    public void Traits_GivenPayloadField_ThenNameDtypeAndValue(string payload, int dtype, string valueJson)
    {
        var trait = Assert.Single(TraitsOf(payload))!.AsArray();

        Assert.Equal(3, trait.Count);
        Assert.Equal(JsonNode.Parse(payload)!.AsObject().Single().Key, trait[0]!.GetValue<string>());
        Assert.Equal(dtype, trait[1]!.GetValue<int>());
        Assert.Equal(valueJson, trait[2]!.ToJsonString(Relaxed));
    }

    [Fact]
    public void Traits_GivenListValue_ThenItsJsonTextParsesBackToTheList()
    {
        var trait = Assert.Single(TraitsOf("""{"allowed_actions": ["MIGRATE", "LIVE_MIGRATE", "OWN_ACTION"]}"""))!.AsArray();

        var list = JsonNode.Parse(trait[2]!.GetValue<string>())!.AsArray().Select(n => n!.GetValue<string>());
        Assert.Equal(["MIGRATE", "LIVE_MIGRATE", "OWN_ACTION"], list);
    }

    [Fact]
    public void Traits_GivenNullField_ThenNoTrait_AndPayloadOrderKept()
    {
        var traits = TraitsOf("""{"service": "doctor", "gone": null, "state": "MAINTENANCE", "project_id": "p1"}""");

        Assert.Equal(["service", "state", "project_id"], traits.Select(t => t![0]!.GetValue<string>()));
    }

    [Fact]
    public void Body_GivenFiring_ThenAodhShape()
    {
        var alarm = Alarm(query: [Query("traits.state", "eq", "MAINTENANCE")]);
        var notification = Notification(payload: """{"service": "doctor", "state": "MAINTENANCE"}""", messageId: "m-1") with
        {
            Generated = new DateTimeOffset(2026, 11, 22, 12, 30, 15, 123, TimeSpan.FromHours(2)),
        };

        var body = Body(alarm, notification);

        Assert.Equal(
            ["alarm_id", "alarm_name", "severity", "previous", "current", "reason", "reason_data"],
            body.Select(p => p.Key));
        Assert.Equal(alarm.Id.ToString(), body["alarm_id"]!.GetValue<string>());
        Assert.Equal(alarm.Name, body["alarm_name"]!.GetValue<string>());
        Assert.Equal("moderate", body["severity"]!.GetValue<string>());
        Assert.Equal("insufficient data", body["previous"]!.GetValue<string>());
        Assert.Equal("alarm", body["current"]!.GetValue<string>());
        Assert.Equal(AlarmEvaluator.Reason(alarm, notification), body["reason"]!.GetValue<string>());
        Assert.StartsWith("Event <id=m-1,event_type=maintenance.scheduled> hits the query <query=[", body["reason"]!.GetValue<string>());
        var reasonData = body["reason_data"]!.AsObject();
        Assert.Equal("event", reasonData["type"]!.GetValue<string>());
        var @event = reasonData["event"]!.AsObject();
        Assert.Equal(["message_id", "event_type", "generated", "traits", "raw"], @event.Select(p => p.Key));
        Assert.Equal("m-1", @event["message_id"]!.GetValue<string>());
        Assert.Equal("maintenance.scheduled", @event["event_type"]!.GetValue<string>());
        Assert.Equal("2026-11-22T10:30:15.123000", @event["generated"]!.GetValue<string>());
        Assert.Equal("""[["service",1,"doctor"],["state",1,"MAINTENANCE"]]""", @event["traits"]!.ToJsonString());
        Assert.Empty(@event["raw"]!.AsObject());
    }
}
