using System.Text.Json;
using System.Text.Json.Nodes;

namespace Doctor.Workflows.Infrastructure.OpenStack;

/// <summary>
/// Turns one of Nova's versioned notifications (oslo.messaging v2 envelope: <c>{"oslo.version": "2.0", "oslo.message": "{...}"}</c>;
/// payload <c>{"nova_object.data": {...}}</c>) into the change the resource map applies, or null for one it has no use for.
/// </summary>
public static class NovaNotification
{
    public static InfrastructureChange? Parse(ReadOnlySpan<byte> body)
    {
        JsonNode? message;
        try
        {
            var outer = JsonNode.Parse(body);
            message = outer?["oslo.message"] is JsonValue inner ? JsonNode.Parse(inner.GetValue<string>()) : outer;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
        var eventType = message?["event_type"]?.GetValue<string>();
        var data = message?["payload"]?["nova_object.data"];
        if (eventType is null || data is null)
            return null;
        return eventType switch
        {
            "service.update" when Text(data, "binary") == "nova-compute" && Text(data, "host") is { } host =>
                new InfrastructureChange(InfrastructureChange.HostUpdated, null, host, null),
            "instance.delete.end" when Text(data, "uuid") is { } id =>
                new InfrastructureChange(InfrastructureChange.InstanceDeleted, id, Text(data, "host"), Text(data, "tenant_id")),
            _ when Placing.Contains(eventType) && Text(data, "uuid") is { } id && Text(data, "host") is { Length: > 0 } host
                                               && Text(data, "tenant_id") is { } project =>
                new InfrastructureChange(KindOf(eventType), id, host, project),
            _ => null,
        };
    }

    /// <summary>
    /// The events that say where an instance is now. Others are left out on purpose: the source compute's
    /// <c>instance.live_migration_post.end</c> comes after the destination's and still names the source host.
    /// </summary>
    private static readonly HashSet<string> Placing = new(StringComparer.Ordinal)
    {
        "instance.update", "instance.create.end", "instance.live_migration_post_dest.end", "instance.resize_finish.end",
        "instance.resize_confirm.end", "instance.resize_revert.end", "instance.evacuate", "instance.rebuild.end",
    };

    private static string KindOf(string eventType) => eventType switch
    {
        "instance.create.end" => InfrastructureChange.InstanceCreated,
        "instance.live_migration_post_dest.end" or "instance.resize_finish.end" or "instance.resize_confirm.end" or "instance.evacuate" =>
            InfrastructureChange.InstanceMoved,
        _ => InfrastructureChange.InstanceUpdated,
    };

    private static string? Text(JsonNode data, string field) => data[field] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
