using Doctor.Workflows.Notifications.Alarms;

namespace Doctor.Tests.Notifications;

public class EventTypePatternTests
{
    [Theory]
    [InlineData("maintenance.scheduled", "maintenance.scheduled", true)]
    [InlineData("maintenance.scheduled", "maintenance.host", false)]
    [InlineData("maintenance.scheduled", "Maintenance.scheduled", false)]
    [InlineData("maintenance.*", "maintenance.scheduled", true)]
    [InlineData("maintenance.*", "maintenance.host", true)]
    [InlineData("maintenance.*", "compute.instance.update", false)]
    [InlineData("*", "compute.instance.update", true)]
    [InlineData("*.update", "compute.instance.update", true)]
    [InlineData("compute.*.update", "compute.instance.update", true)]
    [InlineData("compute.instance.?pdate", "compute.instance.update", true)]
    [InlineData("compute.instance.?pdate", "compute.instance.uupdate", false)]
    [InlineData("maintenance.[sh]*", "maintenance.host", true)]
    [InlineData("maintenance.[!s]*", "maintenance.scheduled", false)]
    [InlineData("maintenance.[!s]*", "maintenance.host", true)]
    [InlineData("maintenance.host", "maintenanceXhost", false)]
    [InlineData("maintenance.*", "maintenance.host\n", true)]
    [InlineData("maintenance.host", "maintenance.host\n", false)]
    [InlineData("a[b", "a[b", true)]
    public void Matches_GivenPattern_WhenEventType_ThenAsFnmatch(string pattern, string eventType, bool expected) =>
        Assert.Equal(expected, EventTypePattern.Parse(pattern).Matches(eventType));

    [Fact]
    public void TryParse_WithReversedRange_IsRefused() => Assert.False(EventTypePattern.TryParse("a[z-a]", out _));

    [Fact]
    public void Parse_WithoutWildcards_IsExact() => Assert.True(EventTypePattern.Parse("maintenance.host").IsExact);
}
