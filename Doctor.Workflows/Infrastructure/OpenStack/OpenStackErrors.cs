using System.Text.Json;
using System.Text.Json.Nodes;

namespace Doctor.Workflows.Infrastructure.OpenStack;

/// <summary>The message inside an OpenStack error body, whichever service wrote it.</summary>
internal static class OpenStackErrors
{
    /// <summary>
    /// Nova: <c>{"badRequest": {"code": 400, "message": "..."}}</c>; Neutron: <c>{"NeutronError": {"message": "..."}}</c>;
    /// Keystone: <c>{"error": {"message": "..."}}</c>; Placement: <c>{"errors": [{"detail": "..."}]}</c>. Anything else: the text itself, cut short.
    /// </summary>
    public static string MessageOf(string body)
    {
        try
        {
            if (JsonNode.Parse(body) is JsonObject root)
            {
                foreach (var (_, value) in root)
                {
                    var inner = value is JsonArray { Count: > 0 } list ? list[0] : value;
                    if (inner is JsonObject o && (o["message"] ?? o["detail"] ?? o["title"]) is JsonValue text && text.ToString() is { Length: > 0 } message)
                        return message.Trim();
                }
            }
        }
        catch (JsonException)
        {
        }
        var plain = body.Trim();
        return plain.Length == 0 ? "(no message)" : plain.Length > 500 ? plain[..500] + "…" : plain;
    }
}
