namespace Doctor.Workflows.Faults.WarmUp;

/// <summary>
/// What a start-up warm-up did: <see cref="Passes"/> dry faults in <see cref="Took"/> (the wait for the compiler included), the first
/// and the last one's own time (report to last webhook answered), and the dry webhooks its sink answered of those
/// expected. <see cref="Incomplete"/> says why a pass fell short (the warm-up then stops: it is best effort).
/// </summary>
public sealed record WarmUpReport(
    int Passes,
    TimeSpan Took,
    TimeSpan FirstPass,
    TimeSpan LastPass,
    int Webhooks,
    int ExpectedWebhooks,
    string? Incomplete);
