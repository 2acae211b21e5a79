namespace Doctor.Workflows.Notifications.Delivery;

/// <summary>Webhook delivery settings, bound from <c>Doctor:Notifier</c>.</summary>
public sealed class NotifierOptions
{
    public const string Section = "Doctor:Notifier";

    /// <summary>Attempts per delivery, the first included; after the last one the delivery is a dead letter.</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>The first retry's delay; it doubles per attempt, with jitter.</summary>
    public int BaseDelayMs { get; set; } = 200;

    /// <summary>The longest delay between two attempts.</summary>
    public int MaxDelayMs { get; set; } = 30_000;

    /// <summary>One attempt's limit, connection included.</summary>
    public int TimeoutMs { get; set; } = 5_000;

    /// <summary>
    /// How often each node looks for pending deliveries whose node died and adopts them (docs/scale-out.md). Also how
    /// long such a delivery may wait, at most, once PostgreSQL has noticed the death.
    /// </summary>
    public TimeSpan AdoptInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The AES-256 key (base64 of 32 bytes) sealing the signing secrets at rest. Unset: generated once and stored in the
    /// database (<c>doctor.notifier_keys</c>).
    /// </summary>
    public string? SecretKey { get; set; }

    /// <summary>The decoded <see cref="SecretKey"/>, or null when none is configured.</summary>
    public byte[]? SecretKeyBytes()
    {
        if (string.IsNullOrWhiteSpace(SecretKey))
            return null;
        try
        {
            var key = Convert.FromBase64String(SecretKey);
            return key.Length == 32 ? key : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Null when the options are usable, else what is wrong.</summary>
    public string? Problem() =>
        MaxAttempts < 1 ? $"{Section}:MaxAttempts must be at least 1 (got {MaxAttempts})"
        : BaseDelayMs < 0 ? $"{Section}:BaseDelayMs must not be negative (got {BaseDelayMs})"
        : MaxDelayMs < BaseDelayMs ? $"{Section}:MaxDelayMs must be at least BaseDelayMs (got {MaxDelayMs})"
        : TimeoutMs is <= 10 or > 86_400_000 ? $"{Section}:TimeoutMs must be more than 10 ms and at most a day (got {TimeoutMs})"
        : AdoptInterval <= TimeSpan.Zero || AdoptInterval > TimeSpan.FromHours(1) ? $"{Section}:AdoptInterval must be more than zero and at most an hour (got {AdoptInterval})"
        : !string.IsNullOrWhiteSpace(SecretKey) && SecretKeyBytes() is null ? $"{Section}:SecretKey must be the base64 of exactly 32 bytes"
        : null;
}
