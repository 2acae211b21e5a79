namespace Doctor.Workflows.Engine;

/// <summary>
/// A validated workflow (DESIGN.md §5), loaded from <c>workflows/*.json</c>. Sessions record (id, version) and keep it.
/// Windows are named durations (<c>$scaleInReply</c>) that configuration may shorten; <c>$maintenanceAt</c> is the session's time.
/// </summary>
public sealed record WorkflowDefinition(
    string Id,
    int Version,
    string Initial,
    string Description,
    IReadOnlyDictionary<string, TimeSpan> Windows,
    IReadOnlyDictionary<string, StateDefinition> States,
    int MaxRounds,
    string SourceJson)
{
    /// <summary>Where a session goes when it fails outside the graph's own edges (policy, engine error): the first <c>final: failed</c> state.</summary>
    public string? FailedState => States.Values.FirstOrDefault(s => s.Final == "failed")?.Name;

    public StateDefinition State(string name) =>
        States.TryGetValue(name, out var s) ? s : throw new InvalidOperationException($"workflow {Id} v{Version} has no state {name}");
}
