using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Faults;

/// <summary>The service whose forced_down flag was set.</summary>
public sealed record ForceDownService(
    [property: JsonPropertyName("binary")] string Binary,
    [property: JsonPropertyName("host")] string Host,
    [property: JsonPropertyName("forced_down")] bool ForcedDown);
