using Doctor.Domain.Faults;
using Doctor.Workflows.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Doctor.Workflows.Faults;

/// <summary>
/// One driver call of fencing or recovery: a failure is logged and noted as a command for the incident
/// (<see cref="RecordActionFailure"/>), and blocks nothing else — the other calls and the notifications go on.
/// </summary>
public sealed class CloudActions(TimeProvider clock, ILogger<CloudActions> logger)
{
    public async Task<bool> AttemptAsync(string action, string target, Func<Task> call, List<FaultCommand> failures)
    {
        try
        {
            await call();
            return true;
        }
        catch (Exception e) when (e is InfrastructureActionFailedException or HttpRequestException or TimeoutException)
        {
            logger.LogWarning(e, "Fault action {Action} on {Target} failed", action, target);
            lock (failures)
                failures.Add(new RecordActionFailure(action, target, e.Message, clock.GetUtcNow()));
            return false;
        }
    }
}
