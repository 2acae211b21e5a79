using System.Text.Json.Serialization;

namespace Doctor.Workflows.Faults;

/// <summary>What the inspector did with one reported event: the incident it opened or joined and the verdict.</summary>
public sealed record FaultOutcome(
    [property: JsonPropertyName("incident_id")] string? IncidentId,
    [property: JsonPropertyName("verdict")] string Verdict,
    [property: JsonPropertyName("host")] string? Host,
    [property: JsonPropertyName("notifications")] int Notifications);
