using Microsoft.Extensions.Logging;
using Quartz;

namespace Doctor.Workflows.Maintenance.Engine;

/// <summary>A deadline fired: turned into a command on the session (harmless if the round has moved on).</summary>
[DisallowConcurrentExecution]
public sealed class SessionDeadlineJob(MaintenanceEngine engine, ILogger<SessionDeadlineJob> logger) : IJob
{
    public const string SessionKey = "session";
    public const string KindKey = "kind";
    public const string RoundKey = "round";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var data = context.MergedJobDataMap;
        var sessionId = data.GetString(SessionKey)!;
        var kind = data.GetString(KindKey)!;
        var round = data.GetInt(RoundKey);
        logger.LogInformation("Deadline {Kind} of session {SessionId} round {Round} fired", kind, sessionId, round);
        await engine.DeadlineReachedAsync(sessionId, kind, round, cancellationToken);
    }
}
