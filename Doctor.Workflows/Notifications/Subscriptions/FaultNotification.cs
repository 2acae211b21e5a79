using System.Text.Json.Nodes;

namespace Doctor.Workflows.Notifications.Subscriptions;

/// <summary>
/// The northbound FaultNotification (CONTRACTS "Native northbound"): <c>{"notification_id", "virtual_resource_info":
/// [{"id", "state", "faults": [...]}]}</c>, built from a <c>doctor.fault</c> notification and cut down to what one
/// subscription's filter selects. <c>notification_id</c> is the notification's message id, the same for every subscriber.
/// </summary>
public static class FaultNotification
{
    public const string EventType = "doctor.fault";

    /// <summary>The body for <paramref name="subscription"/>, or null when the notification concerns nothing it selects.</summary>
    public static JsonObject? For(NorthboundSubscription subscription, NotificationEmitted notification)
    {
        if (!string.Equals(notification.EventType, EventType, StringComparison.Ordinal) || !subscription.Hears(notification.ProjectId))
            return null;
        if (notification.Payload["virtual_resource_info"] is not JsonArray resources)
            return null;
        var filter = subscription.Filter;
        var selected = new JsonArray();
        foreach (var node in resources)
        {
            if (node is not JsonObject resource || Text(resource["id"]) is not { } id)
                continue;
            var type = Text(resource["virtual_resource_type"]) ?? Text(resource["type"]) ?? SubscriptionFilter.DefaultResourceType;
            if (!filter.AcceptsResource(id, type))
                continue;
            var faults = new JsonArray();
            foreach (var faultNode in resource["faults"] as JsonArray ?? [])
            {
                if (faultNode is JsonObject fault && filter.AcceptsFault(Text(fault["fault_type"]), Severity(fault["severity"])))
                    faults.Add(fault.DeepClone());
            }
            if (filter.FiltersFaults && faults.Count == 0)
                continue;
            var copy = (JsonObject)resource.DeepClone();
            copy["faults"] = faults;
            selected.Add(copy);
        }
        return selected.Count == 0 ? null : new JsonObject
        {
            ["notification_id"] = notification.MessageId,
            ["virtual_resource_info"] = selected,
        };
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrEmpty(text) ? text : null;

    private static int? Severity(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<int>(out var number) ? number
        : node is JsonValue text && text.TryGetValue<string>(out var s) && int.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed
        : null;
}
