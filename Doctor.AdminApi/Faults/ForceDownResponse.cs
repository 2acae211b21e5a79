using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Faults;

/// <summary>Nova's answer to <c>PUT /os-services/force-down</c>: <c>{"service": {...}}</c>.</summary>
public sealed record ForceDownResponse([property: JsonPropertyName("service")] ForceDownService Service);
