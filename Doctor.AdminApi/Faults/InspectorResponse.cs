using System.Text.Json.Serialization;
using Doctor.Workflows.Faults;

namespace Doctor.AdminApi.Faults;

/// <summary>What the inspector did with each event of the request, in order.</summary>
public sealed record InspectorResponse([property: JsonPropertyName("incidents")] IReadOnlyList<FaultOutcome> Incidents);
