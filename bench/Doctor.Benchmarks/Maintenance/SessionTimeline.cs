using Doctor.Domain.Maintenance;
using Doctor.Workflows.EventStore;

namespace Doctor.Benchmarks.Maintenance;

/// <summary>
/// A finished session read back from its stream, cut into appends (one transaction each: an event and the
/// notifications it caused share its <c>recorded_at</c>, the transaction's start). The time from one append to the
/// next is what a step cost, and who appended the later one says whose step it was:
/// <list type="bullet">
/// <item>engine step: an append by the engine right after another append (the engine's own load, interpret, decide,
/// cloud call and durable commit) — excluding the wait after a reply window opens (that is the VNFM's time) and the
/// hold until <c>maintenance_at</c>;</item>
/// <item>transition: an engine step whose first event is <c>state_entered</c>;</item>
/// <item>VNFM round trip: reply window opened → first reply (feed, alarm evaluation, webhook, the VNFM's reads, its PUT).</item>
/// </list>
/// </summary>
public sealed class SessionTimeline
{
    private const string StateEnteredType = "maintenance.state_entered.v1";
    private const string WindowOpenedType = "maintenance.reply_window_opened.v1";
    private const string ReplyType = "maintenance.reply_received.v1";

    private SessionTimeline(IReadOnlyList<RecordedEvent> events)
    {
        Events = events;
    }

    public IReadOnlyList<RecordedEvent> Events { get; }
    public DateTimeOffset Created => Events[0].RecordedAt;
    public DateTimeOffset Closed => Events[^1].RecordedAt;
    public int MaintenanceEvents => Events.Count(e => e.Type.StartsWith("maintenance.", StringComparison.Ordinal));
    public int OtherEvents => Events.Count - MaintenanceEvents;
    public int InstanceMoves => Events.Count(e => e.Type == "maintenance.instance_action_done.v1");
    public int HostsMaintained => Events.Count(e => e.Type == "maintenance.host_left_maintenance.v1");
    public bool Succeeded => Events.Any(e => e.Type == "maintenance.session_done.v1");
    public string LastState { get; private set; } = "";

    public List<double> EngineStepsMs { get; } = [];
    public List<double> TransitionsMs { get; } = [];
    public List<double> VnfmRoundTripsMs { get; } = [];

    public static async Task<SessionTimeline> ReadAsync(IEventStore store, EventTypeRegistry types, string sessionId)
    {
        var events = await store.ReadStreamAsync("maintenance-" + sessionId);
        var timeline = new SessionTimeline(events);
        timeline.Analyse(types);
        return timeline;
    }

    /// <summary>Each append as "+gap ms actor type (events)", for finding where the time goes (--timeline).</summary>
    public IEnumerable<string> Describe()
    {
        DateTimeOffset? previous = null;
        foreach (var group in Events.GroupBy(e => (e.RecordedAt, e.Metadata.Actor)))
        {
            var gap = previous is { } p ? (group.Key.RecordedAt - p).TotalMilliseconds : 0;
            previous = group.Key.RecordedAt;
            yield return $"+{gap,8:F1} ms {group.Key.Actor,-12} {group.First().Type} ({group.Count()} events)";
        }
    }

    private void Analyse(EventTypeRegistry types)
    {
        var appends = new List<(DateTimeOffset At, string Actor, RecordedEvent Lead)>();
        foreach (var e in Events)
        {
            if (appends.Count == 0 || appends[^1].At != e.RecordedAt || appends[^1].Actor != e.Metadata.Actor)
                appends.Add((e.RecordedAt, e.Metadata.Actor, e));
        }
        for (var i = 1; i < appends.Count; i++)
        {
            var (at, actor, lead) = appends[i];
            var previous = appends[i - 1];
            var gap = (at - previous.At).TotalMilliseconds;
            if (lead.Type == StateEnteredType && types.Deserialize(lead) is StateEntered entered)
            {
                LastState = entered.State;
                if (entered.From == "MAINTENANCE")
                    continue; // held until maintenance_at
            }
            if (previous.Lead.Type == WindowOpenedType)
            {
                if (lead.Type == ReplyType)
                    VnfmRoundTripsMs.Add(gap);
                continue;
            }
            if (actor != "engine")
                continue;
            EngineStepsMs.Add(gap);
            if (lead.Type == StateEnteredType)
                TransitionsMs.Add(gap);
        }
    }
}
