namespace Doctor.Workflows.EventStore;

/// <summary>Settings of the event store and its feed runner, bound from <c>Doctor:EventStore</c>.</summary>
public sealed class EventStoreOptions
{
    public const string SectionName = "Doctor:EventStore";

    /// <summary>Events handed to a feed handler at most per call.</summary>
    public int FeedBatchSize { get; set; } = 500;

    /// <summary>How often an idle handler looks for new events when no notification arrives (a lost notify costs at most this).</summary>
    public TimeSpan FeedPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Wake handlers on <c>LISTEN doctor_events</c>; switch off behind a pooler that does not forward notifications.</summary>
    public bool FeedUseNotifications { get; set; } = true;

    /// <summary>
    /// Run each handler on one node only: its loop holds a PostgreSQL advisory lock named after the handler, and
    /// another node's loop waits for it (DESIGN.md §10).
    /// </summary>
    public bool FeedExclusive { get; set; } = true;

    /// <summary>First wait after a handler or database failure; doubles per attempt up to <see cref="FeedRetryMaxDelay"/>.</summary>
    public TimeSpan FeedRetryInitialDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan FeedRetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    internal TimeSpan RetryDelay(int attempt)
    {
        var factor = Math.Pow(2, Math.Min(Math.Max(attempt - 1, 0), 20));
        var delay = TimeSpan.FromTicks((long)Math.Min(FeedRetryInitialDelay.Ticks * factor, FeedRetryMaxDelay.Ticks));
        return delay;
    }

    /// <summary>The first thing wrong with these settings, or null when they are usable.</summary>
    public string? Validate() =>
        FeedBatchSize is < 1 or > 10_000 ? $"{SectionName}:FeedBatchSize: must be between 1 and 10000, was {FeedBatchSize}"
        : FeedPollInterval <= TimeSpan.Zero ? $"{SectionName}:FeedPollInterval: must be positive"
        : FeedRetryInitialDelay <= TimeSpan.Zero ? $"{SectionName}:FeedRetryInitialDelay: must be positive"
        : FeedRetryMaxDelay < FeedRetryInitialDelay ? $"{SectionName}:FeedRetryMaxDelay: must not be below FeedRetryInitialDelay"
        : null;
}
