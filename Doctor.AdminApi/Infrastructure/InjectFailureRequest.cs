using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Infrastructure;

/// <summary>
/// <c>POST /v1/infra/failures</c>: make the next matching action of the simulated cloud fail, once
/// (e.g. <c>{"action": "migrate", "target": "*"}</c>; see SimulatedCloud.InjectFailure for what a target matches).
/// </summary>
public sealed record InjectFailureRequest(
    [property: JsonPropertyName("action")] string? Action,
    [property: JsonPropertyName("target")] string? Target);
