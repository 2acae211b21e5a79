using Quartz;

namespace Doctor.Workflows.Maintenance.Engine;

/// <summary>
/// Reply windows and holds as Quartz triggers keyed by (session, kind, round) — DESIGN.md §6. The round travels in
/// the job, like a MassTransit schedule token, so a firing for a round the session has left changes nothing.
/// The scheduler keeps them in memory: they are derived from events and re-armed whenever the engine looks at a session.
/// </summary>
public sealed class SessionDeadlines(ISchedulerFactory schedulers)
{
    public const string ReplyWindow = "reply";
    public const string Hold = "hold";
    private const string Group = "maintenance-deadlines";

    public async Task ArmAsync(string sessionId, string kind, int round, DateTimeOffset at, CancellationToken ct = default)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var key = new JobKey($"{sessionId}|{kind}|{round}", Group);
        if (await scheduler.Exists(key, ct))
            return;
        var job = JobBuilder.Create<SessionDeadlineJob>()
            .WithIdentity(key)
            .UsingJobData(SessionDeadlineJob.SessionKey, sessionId)
            .UsingJobData(SessionDeadlineJob.KindKey, kind)
            .UsingJobData(SessionDeadlineJob.RoundKey, round)
            .Build();
        var trigger = TriggerBuilder.Create()
            .WithIdentity(key.Name, Group)
            .StartAt(at)
            .Build();
        try
        {
            await scheduler.ScheduleJob(job, trigger, cancellationToken: ct);
        }
        catch (ObjectAlreadyExistsException)
        {
            // Armed concurrently by another look at the same session: one trigger is enough.
        }
    }
}
