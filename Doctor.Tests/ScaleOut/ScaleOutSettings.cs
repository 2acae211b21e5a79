using Doctor.Tests.Infrastructure;
using Doctor.Workflows.Infrastructure.Simulated;

namespace Doctor.Tests.ScaleOut;

/// <summary>Settings of a service process in the crash and two-node tests: the shared cloud, seconds-long windows.</summary>
internal static class ScaleOutSettings
{
    public static Dictionary<string, string?> For(TestDatabase database) => new()
    {
        ["Doctor:Postgres"] = database.ConnectionString,
        ["Doctor:Simulated:Topology"] = SimulatedTopologies.DoctorTestName,
        ["Doctor:Simulated:Store"] = SimulatedCloudOptions.PostgresStore,
        ["Doctor:Maintenance:MinimumReplyWindow"] = "00:00:00.200",
        // Long enough to outlive two restarts under load (a VNFM cannot answer a dead service); answers come within a second.
        ["Doctor:Maintenance:Windows:scaleInReply"] = "00:01:30",
        ["Doctor:Maintenance:Windows:prepareReply"] = "00:01:30",
        ["Doctor:Maintenance:Windows:plannedReply"] = "00:01:30",
        ["Doctor:Maintenance:Windows:completeReply"] = "00:01:30",
        ["Doctor:Maintenance:DummyActionDuration"] = "00:00:00.010",
        ["Doctor:Maintenance:TakeOverInterval"] = "00:00:01",
        ["Doctor:Notifier:BaseDelayMs"] = "50",
        ["Doctor:Notifier:MaxAttempts"] = "10",
        ["Doctor:Notifier:AdoptInterval"] = "00:00:01",
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:System.Net.Http"] = "Warning",
        ["Logging:LogLevel:Quartz"] = "Warning",
    };
}
