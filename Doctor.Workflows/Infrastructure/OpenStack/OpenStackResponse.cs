using System.Net;
using System.Text.Json.Nodes;

namespace Doctor.Workflows.Infrastructure.OpenStack;

/// <summary>A successful answer: its status, its JSON body (null when empty) and the request id the service logged it under.</summary>
public sealed record OpenStackResponse(HttpStatusCode Status, JsonNode? Body, string? RequestId);
