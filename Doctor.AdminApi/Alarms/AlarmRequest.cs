using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Doctor.Workflows.Notifications.Alarms;

namespace Doctor.AdminApi.Alarms;

/// <summary>
/// Reads the body of <c>POST /v2/alarms</c> and <c>PUT /v2/alarms/{id}</c> (Aodh's alarm shape) into an
/// <see cref="EventAlarm"/>, or says which field is wrong and why. An update is validated as a create is (Aodh: the PUT
/// body is a whole alarm). Unknown fields are ignored, and so are the read-only ones a client sends back after a GET
/// (<c>alarm_id</c>, <c>timestamp</c>, <c>state_timestamp</c>, <c>state_reason</c>, <c>time_constraints</c>);
/// <c>state</c> counts on an update only.
/// </summary>
public static class AlarmRequest
{
    /// <summary>The alarm, or null and a problem title such as <c>event_rule.query[0].op: 'like' is not an operator ...</c>.</summary>
    public static EventAlarm? TryRead(JsonNode? body, AlarmCaller caller, Guid id, DateTimeOffset now, out string? problem)
    {
        problem = null;
        try
        {
            return Read(body, caller, id, now);
        }
        catch (InvalidField e)
        {
            problem = e.Message;
            return null;
        }
    }

    /// <summary>
    /// <paramref name="existing"/> as the PUT body redefines it, or null and a problem title. As in Aodh: a project's
    /// alarm stays its project's and its caller's; the admin may move it to another project or user; a <c>state</c>
    /// other than the current one is set by hand ("Manually set via API").
    /// </summary>
    public static EventAlarm? TryReadUpdate(JsonNode? body, AlarmCaller caller, EventAlarm existing, DateTimeOffset now, out string? problem)
    {
        problem = null;
        try
        {
            var read = Read(body, caller, existing.Id, now, existing);
            var state = OptionalString((JsonObject)body!, "state", "state");
            if (state is not null && !AlarmStates.IsKnown(state))
                throw new InvalidField($"state: '{state}' is not a state: use ok, alarm or insufficient data");
            var status = state is null || state == existing.Status.State
                ? existing.Status
                : new AlarmStatus(state, now, AlarmStatus.ManuallySet, existing.Status.State, null);
            return read with { Status = status, CreatedAt = existing.CreatedAt, UpdatedAt = now };
        }
        catch (InvalidField e)
        {
            problem = e.Message;
            return null;
        }
    }

    private static EventAlarm Read(JsonNode? body, AlarmCaller caller, Guid id, DateTimeOffset now, EventAlarm? existing = null)
    {
        if (body is not JsonObject alarm)
            throw new InvalidField("body: expected a JSON object (an alarm)");

        var name = RequiredString(alarm, "name", "name");
        var type = OptionalString(alarm, "type", "type")
            ?? throw new InvalidField("type: required; only \"event\" alarms are supported");
        if (type != "event")
            throw new InvalidField($"type: '{type}' alarms are not supported, only \"event\" alarms (threshold and other metric alarms need a telemetry service we do not have)");

        if (!alarm.TryGetPropertyValue("event_rule", out var ruleNode) || ruleNode is null)
            throw new InvalidField("event_rule: required for an event alarm");
        if (ruleNode is not JsonObject rule)
            throw new InvalidField("event_rule: expected an object with event_type and query");
        var eventType = RequiredString(rule, "event_type", "event_rule.event_type");
        if (!EventTypePattern.TryParse(eventType, out var pattern))
            throw new InvalidField($"event_rule.event_type: '{eventType}' is not a valid pattern (exact name, or with * ? [...] wildcards)");
        var query = ReadQuery(rule);

        var alarmActions = ReadActions(alarm, "alarm_actions");
        if (alarmActions.Count == 0)
            throw new InvalidField("alarm_actions: required: at least one http or https URL to POST the alarm to");

        var severity = OptionalString(alarm, "severity", "severity") ?? AlarmSeverities.Low;
        if (!AlarmSeverities.IsKnown(severity))
            throw new InvalidField($"severity: '{severity}' is not a severity: use low, moderate or critical");

        // A project's alarm belongs to its project, whatever the body says (CONTRACTS.md: a project alarms on its own events only).
        var projectId = caller.IsAdmin ? OptionalString(alarm, "project_id", "project_id") : caller.ProjectId;
        var userId = caller.UserId;
        if (existing is not null && caller.IsAdmin)
        {
            // The admin acts for the owner: what the body does not say stays as it was.
            projectId = alarm.ContainsKey("project_id") ? projectId : existing.ProjectId;
            userId = alarm.ContainsKey("user_id") ? OptionalString(alarm, "user_id", "user_id") : existing.UserId;
        }

        return new EventAlarm
        {
            Id = id,
            Name = name,
            ProjectId = string.IsNullOrEmpty(projectId) ? null : projectId,
            UserId = userId,
            EventType = pattern,
            Query = query,
            AlarmActions = alarmActions,
            OkActions = ReadActions(alarm, "ok_actions"),
            InsufficientDataActions = ReadActions(alarm, "insufficient_data_actions"),
            RepeatActions = OptionalBool(alarm, "repeat_actions") ?? false,
            Severity = severity,
            Enabled = OptionalBool(alarm, "enabled") ?? true,
            Description = OptionalString(alarm, "description", "description") ?? EventAlarm.DefaultDescription(eventType),
            Status = AlarmStatus.Initial(now),
            CreatedAt = now,
        };
    }

    private static List<AlarmQuery> ReadQuery(JsonObject rule)
    {
        var query = new List<AlarmQuery>();
        if (!rule.TryGetPropertyValue("query", out var node) || node is null)
            return query;
        if (node is not JsonArray conditions)
            throw new InvalidField("event_rule.query: expected a list of {field, op, value, type}");
        for (var i = 0; i < conditions.Count; i++)
        {
            var path = $"event_rule.query[{i}]";
            if (conditions[i] is not JsonObject condition)
                throw new InvalidField($"{path}: expected an object {{field, op, value, type}}");
            var field = RequiredString(condition, "field", $"{path}.field");
            var opText = OptionalString(condition, "op", $"{path}.op") ?? "eq";
            if (!QueryOperators.TryParse(opText, out var op))
                throw new InvalidField($"{path}.op: '{opText}' is not an operator: use eq, ne, lt, le, gt, ge (or =, !=, <, <=, >, >=)");
            var value = QueryValue(condition, $"{path}.value");
            var type = OptionalString(condition, "type", $"{path}.type");
            query.Add(AlarmQuery.TryCreate(field, op, value, type, out var error)
                ?? throw new InvalidField($"{path}.{error!.Member}: {error.Message}"));
        }
        return query;
    }

    /// <summary>Aodh's query values are text; a JSON number or boolean is taken as its text.</summary>
    private static string QueryValue(JsonObject condition, string path)
    {
        if (!condition.TryGetPropertyValue("value", out var node) || node is null)
            throw new InvalidField($"{path}: required");
        return node.GetValueKind() switch
        {
            JsonValueKind.String => Text(node, path),
            JsonValueKind.Number => node.ToJsonString(),
            JsonValueKind.True => "True",
            JsonValueKind.False => "False",
            _ => throw new InvalidField($"{path}: expected a string, number or boolean"),
        };
    }

    private static List<Uri> ReadActions(JsonObject alarm, string member)
    {
        var actions = new List<Uri>();
        if (!alarm.TryGetPropertyValue(member, out var node) || node is null)
            return actions;
        if (node is not JsonArray urls)
            throw new InvalidField($"{member}: expected a list of http or https URLs");
        for (var i = 0; i < urls.Count; i++)
        {
            var text = urls[i] is { } url && url.GetValueKind() == JsonValueKind.String ? Text(url, $"{member}[{i.ToString(CultureInfo.InvariantCulture)}]") : null;
            if (text is null || !Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || string.IsNullOrEmpty(uri.Host))
                throw new InvalidField($"{member}[{i.ToString(CultureInfo.InvariantCulture)}]: {(text is null ? "not a string" : $"'{text}'")} is not an http or https URL");
            actions.Add(uri);
        }
        return actions;
    }

    private static string RequiredString(JsonObject obj, string member, string path) =>
        OptionalString(obj, member, path) is { Length: > 0 } text ? text : throw new InvalidField($"{path}: required");

    private static string? OptionalString(JsonObject obj, string member, string path)
    {
        if (!obj.TryGetPropertyValue(member, out var node) || node is null)
            return null;
        return node.GetValueKind() == JsonValueKind.String ? Text(node, path) : throw new InvalidField($"{path}: expected a string");
    }

    /// <summary>A JSON string as text the store can keep: no unpaired surrogates (not Unicode) and no NUL (PostgreSQL text refuses it).</summary>
    private static string Text(JsonNode node, string path)
    {
        string text;
        try
        {
            text = node.GetValue<string>();
        }
        catch (InvalidOperationException)
        {
            throw new InvalidField($"{path}: not valid Unicode text (an unpaired surrogate)");
        }
        return text.Contains('\0') ? throw new InvalidField($"{path}: must not contain NUL (\\u0000)") : text;
    }

    private static bool? OptionalBool(JsonObject obj, string member)
    {
        if (!obj.TryGetPropertyValue(member, out var node) || node is null)
            return null;
        return node.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new InvalidField($"{member}: expected true or false"),
        };
    }

    private sealed class InvalidField(string title) : Exception(title);
}
