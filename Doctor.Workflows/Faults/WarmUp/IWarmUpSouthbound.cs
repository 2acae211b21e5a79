namespace Doctor.Workflows.Faults.WarmUp;

/// <summary>
/// The inspector's door as the warm-up goes through it (the host owns it: its endpoint, its parser, its answer): a
/// sample monitor report about a dry host, handled as a request is, by <paramref name="inspector"/> — the warm-up's own.
/// </summary>
public interface IWarmUpSouthbound
{
    /// <summary>What the door answered, per event of the report.</summary>
    ValueTask<IReadOnlyList<FaultOutcome>> ReportAsync(string host, FaultInspector inspector, CancellationToken ct);
}
