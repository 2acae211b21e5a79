using System.Text.Json;
using System.Xml;

namespace Doctor.Workflows.Engine;

/// <summary>
/// Parses and validates a workflow file. Refuses, naming file and JSON path: unknown activity, guard or audience,
/// a goto to no state, a state no path reaches, a workflow with no terminal state, a window that is not a duration.
/// </summary>
public static class WorkflowDefinitionLoader
{
    public const string MaintenanceAtWindow = "$maintenanceAt";

    public static WorkflowDefinition Load(string file, string json, WorkflowVocabulary vocabulary)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new WorkflowDefinitionException(file, $"line {e.LineNumber + 1}", "not valid JSON: " + e.Message);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new WorkflowDefinitionException(file, "$", "a workflow is a JSON object");
            var id = RequiredString(file, root, "$", "id");
            var version = root.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var ver) && ver > 0
                ? ver
                : throw new WorkflowDefinitionException(file, "$.version", "a positive integer is required");
            var initial = RequiredString(file, root, "$", "initial");
            var description = OptionalString(file, root, "$", "description") ?? "";
            var maxRounds = root.TryGetProperty("maxRounds", out var mr) ? (mr.TryGetInt32(out var m) && m > 0 ? m : throw new WorkflowDefinitionException(file, "$.maxRounds", "a positive integer is required")) : 1000;

            var windows = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
            if (root.TryGetProperty("windows", out var w))
            {
                if (w.ValueKind != JsonValueKind.Object)
                    throw new WorkflowDefinitionException(file, "$.windows", "an object of name: ISO 8601 duration is required");
                foreach (var p in w.EnumerateObject())
                    windows[p.Name] = ParseDuration(file, $"$.windows.{p.Name}", p.Value);
            }

            if (!root.TryGetProperty("states", out var statesElement) || statesElement.ValueKind != JsonValueKind.Object)
                throw new WorkflowDefinitionException(file, "$.states", "an object of states is required");
            var states = new Dictionary<string, StateDefinition>(StringComparer.Ordinal);
            foreach (var s in statesElement.EnumerateObject())
                states[s.Name] = ParseState(file, $"$.states.{s.Name}", s.Name, s.Value, vocabulary, windows);

            Validate(file, initial, states);
            return new WorkflowDefinition(id, version, initial, description, windows, states, maxRounds, json);
        }
    }

    private static StateDefinition ParseState(string file, string path, string name, JsonElement e, WorkflowVocabulary vocabulary, Dictionary<string, TimeSpan> windows)
    {
        if (e.ValueKind != JsonValueKind.Object)
            throw new WorkflowDefinitionException(file, path, "a state is a JSON object");
        var final = OptionalString(file, e, path, "final");
        if (final is not null and not ("succeeded" or "failed"))
            throw new WorkflowDefinitionException(file, path + ".final", $"'{final}' is not 'succeeded' or 'failed'");

        var prepare = Activity(file, e, path, "prepare", vocabulary);
        var run = Activity(file, e, path, "run", vocabulary);
        NotifyDefinition? notify = null;
        if (e.TryGetProperty("notify", out var n))
        {
            var np = path + ".notify";
            if (n.ValueKind != JsonValueKind.Object)
                throw new WorkflowDefinitionException(file, np, "an object is required");
            var audience = RequiredString(file, n, np, "audience");
            if (!vocabulary.Audiences.Contains(audience))
                throw new WorkflowDefinitionException(file, np + ".audience", $"unknown audience '{audience}' (known: {string.Join(", ", vocabulary.Audiences.Order())})");
            var allowed = n.TryGetProperty("allowedActions", out var a)
                ? a.ValueKind == JsonValueKind.Array && a.EnumerateArray().All(x => x.ValueKind == JsonValueKind.String)
                    ? a.EnumerateArray().Select(x => x.GetString()!).ToList()
                    : throw new WorkflowDefinitionException(file, np + ".allowedActions", "an array of strings is required")
                : [];
            foreach (var (action, i) in allowed.Select((x, i) => (x, i)))
                if (action is not ("MIGRATE" or "LIVE_MIGRATE" or "OWN_ACTION"))
                    throw new WorkflowDefinitionException(file, $"{np}.allowedActions[{i}]", $"unknown action '{action}' (MIGRATE, LIVE_MIGRATE, OWN_ACTION)");
            var window = RequiredString(file, n, np, "window");
            CheckTimeReference(file, np + ".window", window, windows);
            var before = OptionalString(file, n, np, "mustReplyBefore");
            if (before is not null)
                CheckTimeReference(file, np + ".mustReplyBefore", before, windows);
            var skip = n.TryGetProperty("skipWhenNoAudience", out var sk) && sk.ValueKind == JsonValueKind.True;
            notify = new NotifyDefinition(audience, allowed, window, before, skip);
        }
        var hold = OptionalString(file, e, path, "holdUntil");
        if (hold is not null && hold != MaintenanceAtWindow)
            throw new WorkflowDefinitionException(file, path + ".holdUntil", $"'{hold}' is not a session time (only {MaintenanceAtWindow})");

        var next = new List<Branch>();
        if (e.TryGetProperty("next", out var nx))
        {
            if (nx.ValueKind == JsonValueKind.String)
                next.Add(new Branch(null, nx.GetString()!));
            else if (nx.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var b in nx.EnumerateArray())
                {
                    var bp = $"{path}.next[{i++}]";
                    if (b.ValueKind != JsonValueKind.Object)
                        throw new WorkflowDefinitionException(file, bp, "a branch is an object {\"if\"?, \"goto\"}");
                    var guard = OptionalString(file, b, bp, "if");
                    if (guard is not null && !vocabulary.Guards.Contains(guard))
                        throw new WorkflowDefinitionException(file, bp + ".if", $"unknown guard '{guard}' (known: {string.Join(", ", vocabulary.Guards.Order())})");
                    next.Add(new Branch(guard, RequiredString(file, b, bp, "goto")));
                }
            }
            else
                throw new WorkflowDefinitionException(file, path + ".next", "a state name or an array of branches is required");
        }
        if (final is null && next.Count == 0)
            throw new WorkflowDefinitionException(file, path, "a state that is not final needs 'next'");
        if (final is not null && (next.Count > 0 || notify is not null || prepare is not null || run is not null))
            throw new WorkflowDefinitionException(file, path, "a final state takes no notify, activities or next");
        if (next.Count > 0 && next[^1].If is not null)
            throw new WorkflowDefinitionException(file, $"{path}.next[{next.Count - 1}]", "the last branch must have no 'if', so some branch is always taken");

        return new StateDefinition(name, prepare, notify, hold, run, next,
            OptionalString(file, e, path, "onNack"), OptionalString(file, e, path, "onTimeout"), OptionalString(file, e, path, "onFailure"), final);
    }

    private static void Validate(string file, string initial, Dictionary<string, StateDefinition> states)
    {
        if (states.Count == 0)
            throw new WorkflowDefinitionException(file, "$.states", "no states");
        if (!states.ContainsKey(initial))
            throw new WorkflowDefinitionException(file, "$.initial", $"unknown state '{initial}'");
        foreach (var s in states.Values)
        {
            var p = $"$.states.{s.Name}";
            for (var i = 0; i < s.Next.Count; i++)
                if (!states.ContainsKey(s.Next[i].Goto))
                    throw new WorkflowDefinitionException(file, $"{p}.next[{i}].goto", $"unknown state '{s.Next[i].Goto}'");
            foreach (var (key, target) in new[] { ("onNack", s.OnNack), ("onTimeout", s.OnTimeout), ("onFailure", s.OnFailure) })
                if (target is not null && !states.ContainsKey(target))
                    throw new WorkflowDefinitionException(file, $"{p}.{key}", $"unknown state '{target}'");
            if (s.Notify is not null && (s.OnNack is null || s.OnTimeout is null))
                throw new WorkflowDefinitionException(file, p, "a state that waits for replies needs 'onNack' and 'onTimeout'");
            if ((s.Prepare is not null || s.Run is not null) && s.OnFailure is null)
                throw new WorkflowDefinitionException(file, p, "a state that runs an activity needs 'onFailure'");
        }
        if (!states.Values.Any(s => s.Final == "succeeded"))
            throw new WorkflowDefinitionException(file, "$.states", "no terminal state with \"final\": \"succeeded\"");

        var reached = new HashSet<string>(StringComparer.Ordinal) { initial };
        var queue = new Queue<string>([initial]);
        while (queue.TryDequeue(out var name))
        {
            var s = states[name];
            foreach (var t in s.Next.Select(b => b.Goto).Concat(new[] { s.OnNack, s.OnTimeout, s.OnFailure }.OfType<string>()))
                if (reached.Add(t))
                    queue.Enqueue(t);
        }
        var unreachable = states.Keys.Where(k => !reached.Contains(k)).Order(StringComparer.Ordinal).FirstOrDefault();
        if (unreachable is not null)
            throw new WorkflowDefinitionException(file, $"$.states.{unreachable}", $"unreachable from the initial state '{initial}'");
    }

    private static string? Activity(string file, JsonElement e, string path, string key, WorkflowVocabulary vocabulary)
    {
        var name = OptionalString(file, e, path, key);
        if (name is not null && !vocabulary.Activities.Contains(name))
            throw new WorkflowDefinitionException(file, $"{path}.{key}", $"unknown activity '{name}' (known: {string.Join(", ", vocabulary.Activities.Order())})");
        return name;
    }

    private static void CheckTimeReference(string file, string path, string value, Dictionary<string, TimeSpan> windows)
    {
        if (value == MaintenanceAtWindow)
            return;
        if (value.StartsWith('$'))
        {
            if (!windows.ContainsKey(value[1..]))
                throw new WorkflowDefinitionException(file, path, $"unknown window '{value}' (define it under $.windows)");
            return;
        }
        throw new WorkflowDefinitionException(file, path, $"'{value}' is not a window reference ($name or {MaintenanceAtWindow})");
    }

    private static TimeSpan ParseDuration(string file, string path, JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.String)
        {
            try
            {
                var d = XmlConvert.ToTimeSpan(e.GetString()!);
                if (d > TimeSpan.Zero)
                    return d;
            }
            catch (FormatException)
            {
            }
        }
        throw new WorkflowDefinitionException(file, path, "a positive ISO 8601 duration such as \"PT60S\" is required");
    }

    private static string RequiredString(string file, JsonElement e, string path, string key) =>
        OptionalString(file, e, path, key) ?? throw new WorkflowDefinitionException(file, $"{path}.{key}", "required");

    private static string? OptionalString(string file, JsonElement e, string path, string key) =>
        !e.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind == JsonValueKind.String && v.GetString()!.Length > 0 ? v.GetString()
        : throw new WorkflowDefinitionException(file, $"{path}.{key}", "a non-empty string is required");
}
