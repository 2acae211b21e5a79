using Doctor.Workflows.Notifications.Alarms;
using static Doctor.Tests.Notifications.AlarmExamples;

namespace Doctor.Tests.Notifications;

public class AlarmEvaluatorTests
{
    [Theory]
    // string: by code point
    [InlineData("eq", "string", "IN_MAINTENANCE", """{"x": "IN_MAINTENANCE"}""", true)]
    [InlineData("eq", "string", "IN_MAINTENANCE", """{"x": "in_maintenance"}""", false)]
    [InlineData("ne", "string", "IN_MAINTENANCE", """{"x": "MAINTENANCE_COMPLETE"}""", true)]
    [InlineData("lt", "string", "b", """{"x": "a"}""", true)]
    [InlineData("gt", "string", "b", """{"x": "a"}""", false)]
    [InlineData("eq", "", "abc", """{"x": "abc"}""", true)]
    [InlineData("eq", "string", "3", """{"x": 3}""", true)]
    [InlineData("eq", "string", "True", """{"x": true}""", true)]
    [InlineData("eq", "string", """["a","b"]""", """{"x": ["a", "b"]}""", true)]
    // integer: by value, also from a string or a float without fraction
    [InlineData("eq", "integer", "5", """{"x": 5}""", true)]
    [InlineData("eq", "integer", "5", """{"x": "5"}""", true)]
    [InlineData("eq", "integer", "5", """{"x": 5.0}""", true)]
    [InlineData("ne", "integer", "5", """{"x": 6}""", true)]
    [InlineData("lt", "integer", "10", """{"x": 9}""", true)]
    [InlineData("lt", "integer", "10", """{"x": 10}""", false)]
    [InlineData("le", "integer", "10", """{"x": 10}""", true)]
    [InlineData("gt", "integer", "10", """{"x": 11}""", true)]
    [InlineData("ge", "integer", "10", """{"x": 9}""", false)]
    [InlineData("gt", "integer", "9", """{"x": 10}""", true)] // numerically, not as text ("10" < "9")
    [InlineData("eq", "integer", "5", """{"x": 5.5}""", false)]
    [InlineData("eq", "integer", "5", """{"x": "five"}""", false)]
    // float
    [InlineData("eq", "float", "2.5", """{"x": 2.5}""", true)]
    [InlineData("lt", "float", "2.5", """{"x": 2}""", true)]
    [InlineData("ge", "float", "2.5", """{"x": "2.75"}""", true)]
    [InlineData("gt", "float", "1e3", """{"x": 999.5}""", false)]
    // datetime: as instants, across forms and offsets
    [InlineData("eq", "datetime", "2026-11-22T10:00:00Z", """{"x": "2026-11-22 10:00:00"}""", true)]
    [InlineData("eq", "datetime", "2026-11-22T12:00:00+02:00", """{"x": "2026-11-22T10:00:00"}""", true)]
    [InlineData("lt", "datetime", "2026-11-22 10:00:00", """{"x": "2026-11-22T09:59:59Z"}""", true)]
    [InlineData("gt", "datetime", "2026-11-22", """{"x": "2026-11-22T00:00:01"}""", true)]
    [InlineData("eq", "datetime", "2026-11-22 10:00:00", """{"x": "tomorrow"}""", false)]
    // boolean: JSON booleans and oslo's spellings
    [InlineData("eq", "boolean", "true", """{"x": true}""", true)]
    [InlineData("eq", "boolean", "True", """{"x": "yes"}""", true)]
    [InlineData("ne", "boolean", "false", """{"x": true}""", true)]
    [InlineData("eq", "boolean", "0", """{"x": false}""", true)]
    [InlineData("lt", "boolean", "true", """{"x": false}""", true)]
    // symbols
    [InlineData("=", "integer", "1", """{"x": 1}""", true)]
    [InlineData("==", "integer", "1", """{"x": 1}""", true)]
    [InlineData("!=", "integer", "1", """{"x": 1}""", false)]
    [InlineData("<", "integer", "1", """{"x": 0}""", true)]
    [InlineData("<=", "integer", "1", """{"x": 1}""", true)]
    [InlineData(">", "integer", "1", """{"x": 2}""", true)]
    [InlineData(">=", "integer", "1", """{"x": 0}""", false)]
    // a missing trait is unequal to everything and not ordered (Aodh: None != v holds)
    [InlineData("eq", "string", "a", """{"y": "a"}""", false)]
    [InlineData("ne", "string", "a", """{"y": "a"}""", true)]
    [InlineData("gt", "integer", "1", """{"y": 5}""", false)]
    [InlineData("eq", "string", "a", """{"x": null}""", false)]
    public void Matches_GivenTraitQuery_WhenPayloadField_ThenComparesTyped(string op, string type, string value, string payload, bool expected)
    {
        var alarm = Alarm(query: [Query("traits.x", op, value, type)]);
        Assert.Equal(expected, AlarmEvaluator.Matches(alarm, Notification(payload: payload)));
    }

    [Fact]
    public void Matches_GivenSeveralConditions_WhenOneFails_ThenNoMatch()
    {
        var alarm = Alarm(query: [Query("traits.state", "eq", "IN_MAINTENANCE"), Query("traits.host", "eq", "compute-1")]);
        Assert.True(AlarmEvaluator.Matches(alarm, Notification(payload: """{"state": "IN_MAINTENANCE", "host": "compute-1"}""")));
        Assert.False(AlarmEvaluator.Matches(alarm, Notification(payload: """{"state": "IN_MAINTENANCE", "host": "compute-2"}""")));
    }

    [Fact]
    public void Matches_GivenEventLevelField_WhenEventTypeQueried_ThenComparesTheEventType()
    {
        var alarm = Alarm(eventType: "maintenance.*", query: [Query("event_type", "ne", "maintenance.host")]);
        Assert.True(AlarmEvaluator.Matches(alarm, Notification("maintenance.scheduled")));
        Assert.False(AlarmEvaluator.Matches(alarm, Notification("maintenance.host")));
    }

    [Fact]
    public void Matches_GivenWildcardAlarm_WhenOtherEventType_ThenNoMatch()
    {
        var alarm = Alarm(eventType: "maintenance.*");
        Assert.True(AlarmEvaluator.Matches(alarm, Notification("maintenance.host")));
        Assert.False(AlarmEvaluator.Matches(alarm, Notification("compute.instance.update")));
    }

    [Fact]
    public void Matches_GivenDisabledAlarm_ThenNeverMatches() =>
        Assert.False(AlarmEvaluator.Matches(Alarm(enabled: false), Notification()));

    [Theory]
    [InlineData("p1", "p1", true)]
    [InlineData("p1", "p2", false)]
    [InlineData("p1", null, false)]
    [InlineData(null, "p1", true)]
    [InlineData(null, null, true)]
    public void Matches_GivenAlarmOwner_WhenNotificationAudience_ThenOnlyOwnerOrAdminHears(string? owner, string? audience, bool expected) =>
        Assert.Equal(expected, AlarmEvaluator.Matches(Alarm(projectId: owner), Notification(projectId: audience)));

    [Fact]
    public void Evaluate_GivenNoRepeat_WhenTwoMatchingEvents_ThenFiresOnlyOnTheTransitionIntoAlarm()
    {
        var alarm = Alarm(repeat: false);
        var first = Notification();

        var firing = AlarmEvaluator.Evaluate(alarm, first);

        Assert.NotNull(firing);
        Assert.True(firing.EntersAlarm);
        Assert.Equal(AlarmStates.InsufficientData, firing.Previous);
        var fired = alarm with { Status = new AlarmStatus(AlarmStates.Alarm, Now, firing.Reason, firing.Previous, first.MessageId) };
        Assert.Null(AlarmEvaluator.Evaluate(fired, Notification()));
    }

    [Fact]
    public void Evaluate_GivenNoRepeatAndFired_WhenTheSameNotificationComesAgain_ThenFiresAgainAsBefore()
    {
        var alarm = Alarm(repeat: false);
        var first = Notification();
        var firing = AlarmEvaluator.Evaluate(alarm, first)!;
        var fired = alarm with { Status = new AlarmStatus(AlarmStates.Alarm, Now, firing.Reason, firing.Previous, first.MessageId) };

        var replay = AlarmEvaluator.Evaluate(fired, first);

        Assert.NotNull(replay);
        Assert.False(replay.EntersAlarm);
        Assert.Equal(AlarmStates.InsufficientData, replay.Previous);
    }

    [Fact]
    public void Evaluate_GivenRepeat_WhenTwoMatchingEvents_ThenFiresEveryTime()
    {
        var alarm = Alarm(repeat: true);
        var first = Notification();
        var firing = AlarmEvaluator.Evaluate(alarm, first)!;
        var fired = alarm with { Status = new AlarmStatus(AlarmStates.Alarm, Now, firing.Reason, firing.Previous, first.MessageId) };

        var second = AlarmEvaluator.Evaluate(fired, Notification());

        Assert.NotNull(second);
        Assert.False(second.EntersAlarm);
        Assert.Equal(AlarmStates.Alarm, second.Previous);
    }

    [Fact]
    public void Evaluate_GivenNoMatch_ThenDoesNotFire() =>
        Assert.Null(AlarmEvaluator.Evaluate(Alarm(eventType: "maintenance.host"), Notification("maintenance.scheduled")));

    [Fact]
    public void Reason_IsAodhsText_WithTheQueryAsSortedKeyJson()
    {
        var alarm = Alarm(query: [Query("traits.state", "=", "IN_MAINTENANCE", "string")]);
        var notification = Notification(messageId: "m-1");

        Assert.Equal(
            """Event <id=m-1,event_type=maintenance.scheduled> hits the query <query=[{"field": "traits.state", "op": "eq", "type": "string", "value": "IN_MAINTENANCE"}]>.""",
            AlarmEvaluator.Reason(alarm, notification));
    }

    [Theory]
    [InlineData("trait.state", "string", "x", "field")]
    [InlineData("traits.", "string", "x", "field")]
    [InlineData("payload", "string", "x", "field")]
    [InlineData("traits.x", "number", "1", "type")]
    [InlineData("traits.x", "integer", "1.5", "value")]
    [InlineData("traits.x", "float", "abc", "value")]
    [InlineData("traits.x", "datetime", "next week", "value")]
    [InlineData("traits.x", "boolean", "maybe", "value")]
    public void TryCreate_WithBadCondition_NamesTheMember(string field, string type, string value, string member)
    {
        Assert.Null(AlarmQuery.TryCreate(field, QueryOperator.Eq, value, type, out var error));
        Assert.Equal(member, error!.Member);
    }
}
