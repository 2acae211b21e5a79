using System.Net.Http.Json;
using Doctor.Tests.Maintenance;

namespace Doctor.Tests.Auth;

/// <summary>A session waiting in MAINTENANCE for the <c>doctor-test</c> project's reply (the project listens through an alarm).</summary>
public static class WaitingSession
{
    public const string Project = "doctor-test";

    public static async Task<string> OpenAsync(HttpClient admin)
    {
        var alarm = await admin.PostAsJsonAsync("/v2/alarms", new
        {
            name = $"doctor-test-{Guid.NewGuid():N}", type = "event", project_id = Project,
            event_rule = new { event_type = "maintenance.scheduled", query = Array.Empty<object>() },
            // Nobody listens there: deliveries fail and retry, which changes nothing for these tests.
            alarm_actions = new[] { "http://127.0.0.1:9/maintenance" },
        });
        alarm.EnsureSuccessStatusCode();
        var sid = await admin.OpenSessionAsync(TimeSpan.FromHours(1), policy: "require_subscription");
        var until = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < until)
        {
            if ((await admin.HistoryAsync(sid)).Any(e => e!["type"]!.GetValue<string>() == "maintenance.reply_window_opened.v1"))
                return sid;
            await Task.Delay(100);
        }
        Assert.Fail("the session never opened its reply window");
        return sid;
    }
}
