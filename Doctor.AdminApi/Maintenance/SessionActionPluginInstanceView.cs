using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Maintenance;

/// <summary>One run of an action plug-in on a host, as Fenix lists it (<c>hostname</c>, <c>plugin</c>, <c>state</c>: <c>done</c> or <c>failed</c>), with its type, why it failed and when.</summary>
public sealed record SessionActionPluginInstanceView(
    [property: JsonPropertyName("hostname")] string Hostname,
    [property: JsonPropertyName("plugin")] string Plugin,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("details")] string? Details,
    [property: JsonPropertyName("at")] DateTimeOffset At);
