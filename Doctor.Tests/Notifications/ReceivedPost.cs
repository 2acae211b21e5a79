using System.Text.Json.Nodes;

namespace Doctor.Tests.Notifications;

/// <summary>A request the <see cref="WebhookListener"/> received.</summary>
public sealed record ReceivedPost(string Path, string Method, string EventId, string? ContentType, string Body, IReadOnlyDictionary<string, string> Headers)
{
    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();
}
