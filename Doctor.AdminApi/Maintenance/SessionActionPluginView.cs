using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Maintenance;

/// <summary>An action plug-in of the session, as created: <c>plugin</c>, <c>type</c> (<c>pre</c>, <c>host</c>, <c>post</c>), <c>metadata</c>.</summary>
public sealed record SessionActionPluginView(
    [property: JsonPropertyName("plugin")] string Plugin,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("metadata")] JsonNode? Metadata);
