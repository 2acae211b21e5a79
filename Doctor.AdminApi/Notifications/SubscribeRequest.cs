using System.Text.Json.Nodes;
using Doctor.Workflows.Notifications.Subscriptions;

namespace Doctor.AdminApi.Notifications;

/// <summary>
/// Reads the body of <c>POST /v1/subscriptions</c> (the northbound SubscribeRequest): <c>{"filter":
/// {"virtual_resource_type", "virtual_resource_id", "fault_type", "min_severity"}, "endpoints": [...]}</c>, or says which
/// field is wrong. Unknown fields are refused, so a misspelt filter never widens a subscription silently.
/// </summary>
public static class SubscribeRequest
{
    private static readonly HashSet<string> TopFields = ["filter", "endpoints"];
    private static readonly HashSet<string> FilterFields = ["virtual_resource_type", "virtual_resource_id", "fault_type", "min_severity"];

    public static (SubscriptionFilter Filter, IReadOnlyList<Uri> Endpoints)? TryRead(JsonNode? body, out string? problem)
    {
        problem = null;
        try
        {
            return Read(body);
        }
        catch (InvalidField e)
        {
            problem = e.Message;
            return null;
        }
    }

    private static (SubscriptionFilter, IReadOnlyList<Uri>) Read(JsonNode? body)
    {
        if (body is not JsonObject request)
            throw new InvalidField("body: expected a JSON object (a SubscribeRequest)");
        if (request.Select(p => p.Key).FirstOrDefault(k => !TopFields.Contains(k)) is { } unknown)
            throw new InvalidField($"{unknown}: unknown field (expected filter, endpoints)");
        var filter = SubscriptionFilter.Everything;
        if (request["filter"] is { } filterNode)
        {
            if (filterNode is not JsonObject f)
                throw new InvalidField("filter: expected an object");
            if (f.Select(p => p.Key).FirstOrDefault(k => !FilterFields.Contains(k)) is { } unknownFilter)
                throw new InvalidField($"filter.{unknownFilter}: unknown field (expected virtual_resource_type, virtual_resource_id, fault_type, min_severity)");
            int? minSeverity = null;
            if (f["min_severity"] is { } severity)
            {
                if (severity is not JsonValue value || !value.TryGetValue<int>(out var number))
                    throw new InvalidField("filter.min_severity: expected an integer");
                minSeverity = number;
            }
            filter = new SubscriptionFilter(Strings(f, "virtual_resource_type"), Strings(f, "virtual_resource_id"), Strings(f, "fault_type"), minSeverity);
        }
        if (request["endpoints"] is not JsonArray endpointNodes || endpointNodes.Count == 0)
            throw new InvalidField("endpoints: required: a list of at least one http or https URL to POST fault notifications to");
        var endpoints = new List<Uri>();
        for (var i = 0; i < endpointNodes.Count; i++)
        {
            if (endpointNodes[i] is not JsonValue v || !v.TryGetValue<string>(out var text)
                || !Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                throw new InvalidField($"endpoints[{i}]: expected an absolute http or https URL");
            if (!endpoints.Contains(uri))
                endpoints.Add(uri);
        }
        return (filter, endpoints);
    }

    private static IReadOnlyList<string> Strings(JsonObject filter, string field)
    {
        if (filter[field] is not { } node)
            return [];
        if (node is not JsonArray items)
            throw new InvalidField($"filter.{field}: expected a list of strings");
        var values = new List<string>();
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not JsonValue v || !v.TryGetValue<string>(out var text) || string.IsNullOrWhiteSpace(text))
                throw new InvalidField($"filter.{field}[{i}]: expected a non-empty string");
            values.Add(text);
        }
        return values;
    }

    private sealed class InvalidField(string message) : Exception(message);
}
