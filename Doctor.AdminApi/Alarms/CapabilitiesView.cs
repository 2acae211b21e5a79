using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Alarms;

/// <summary><c>GET /v2/capabilities</c>: Aodh's flattened API and storage capabilities (<c>"alarms:query:complex": true</c>).</summary>
public sealed record CapabilitiesView(
    [property: JsonPropertyName("api")] IReadOnlyDictionary<string, bool> Api,
    [property: JsonPropertyName("alarm_storage")] IReadOnlyDictionary<string, bool> AlarmStorage)
{
    /// <summary>What this service does: simple and complex queries on alarms and on their history, on production storage.</summary>
    public static CapabilitiesView Doctor { get; } = new(
        new Dictionary<string, bool>
        {
            ["alarms:query:simple"] = true,
            ["alarms:query:complex"] = true,
            ["alarms:history:query:simple"] = true,
            ["alarms:history:query:complex"] = true,
        },
        new Dictionary<string, bool> { ["storage:production_ready"] = true });
}
