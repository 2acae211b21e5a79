namespace Doctor.Workflows.Notifications.Delivery;

/// <summary>A delivery given up after <paramref name="Attempts"/> attempts; <paramref name="LastError"/> says what the last one got.</summary>
public sealed record DeadLetter(WebhookDelivery Delivery, int Attempts, string LastError, DateTimeOffset At);
