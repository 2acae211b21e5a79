using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Faults;

/// <summary>One stage of an incident's fast path: when it happened, how long since the stage before, and its share of the total.</summary>
public sealed record ProfileStageView(
    [property: JsonPropertyName("stage")] string Stage,
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("ms")] double Ms,
    [property: JsonPropertyName("since_received_ms")] double SinceReceivedMs,
    [property: JsonPropertyName("share")] double Share);
