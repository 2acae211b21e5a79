namespace Doctor.Workflows.EventStore;

/// <summary>
/// The <see cref="RecordedEvent"/>s an append wrote, rebuilt from what was sent and the <see cref="AppendResult"/>
/// without reading them back: appends are serialised by the store's writer lock, so one stream's part takes the
/// consecutive positions <see cref="AppendResult.FirstSeq"/>..<see cref="AppendResult.LastSeq"/> in order.
/// Lets the fast lane hand appended notifications over with no further database round trip.
/// </summary>
public static class AppendedEvents
{
    /// <summary>The recorded events, or an empty list when the append was a duplicate (nothing new was written).</summary>
    public static IReadOnlyList<RecordedEvent> From(AppendResult result, IReadOnlyList<EventToAppend> events, EventMetadata metadata, DateTimeOffset recordedAt)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(events);
        if (result.Duplicate || events.Count == 0)
            return [];
        if (result.LastSeq - result.FirstSeq + 1 != events.Count)
            throw new InvalidOperationException($"append to {result.StreamId} wrote seqs {result.FirstSeq}..{result.LastSeq} for {events.Count} events");
        if (events.Any(e => e.Id is null))
            throw new ArgumentException("every event needs its id set before the append to be rebuilt after it", nameof(events));
        var firstVersion = result.StreamVersion - events.Count + 1;
        var recorded = new RecordedEvent[events.Count];
        for (var i = 0; i < events.Count; i++)
            recorded[i] = new RecordedEvent(result.FirstSeq + i, events[i].Id!.Value, result.StreamId, firstVersion + i, events[i].Type, events[i].Data, metadata, recordedAt);
        return recorded;
    }
}
