using System.Text;
using Microsoft.Extensions.Logging;

namespace Doctor.Workflows.Notifications.Delivery;

/// <summary>Dead letters written to the log, body included, so nothing is lost silently until they are persisted.</summary>
public sealed class LoggedDeadLetters(ILogger<LoggedDeadLetters> logger) : IDeadLetterSink
{
    public ValueTask RecordAsync(DeadLetter letter, CancellationToken ct)
    {
        logger.LogError(
            "dead letter: {Subscriber} → {Endpoint}, event {EventId}, given up after {Attempts} attempt(s): {LastError}; body {Body}",
            letter.Delivery.Subscriber, letter.Delivery.Endpoint, letter.Delivery.EventId, letter.Attempts, letter.LastError,
            Encoding.UTF8.GetString(letter.Delivery.Body));
        return ValueTask.CompletedTask;
    }
}
