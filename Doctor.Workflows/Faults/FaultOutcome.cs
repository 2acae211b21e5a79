using System.Text.Json.Serialization;

namespace Doctor.Workflows.Faults;

/// <summary>What the inspector did with one reported event: the incident it opened or joined and the verdict.</summary>
public sealed record FaultOutcome(
    [property: JsonPropertyName("incident_id")] string? IncidentId,
    [property: JsonPropertyName("verdict")] string Verdict,
    [property: JsonPropertyName("host")] string? Host,
    [property: JsonPropertyName("notifications")] int Notifications)
{
    /// <summary>A verdict as the API spells it (<c>fence</c>, <c>in_maintenance</c>, ...).</summary>
    public static string VerdictName(Doctor.Domain.Faults.FaultVerdict verdict) =>
        verdict == Doctor.Domain.Faults.FaultVerdict.InMaintenance ? "in_maintenance" : verdict.ToString().ToLowerInvariant();
}
