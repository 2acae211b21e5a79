using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Faults;

/// <summary>The FaultQuery answer: every fault matching the filters that the caller may see, oldest first.</summary>
public sealed record FaultQueryResponse([property: JsonPropertyName("faults")] IReadOnlyList<FaultView> Faults);
