using System.Text.Json;
using System.Text.Json.Nodes;
using Doctor.AdminApi.Errors;
using Doctor.Workflows.Notifications.Alarms.Queries;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Doctor.AdminApi.Alarms;

/// <summary>
/// Aodh's complex query, read and checked as its <c>ValidatedComplexQuery</c> does: a filter of <c>and</c>/<c>or</c>
/// (two terms or more), <c>not</c>, <c>in</c> (a non-empty list) and the comparisons <c>= != &lt; &lt;= =&lt; &gt; &gt;=
/// =&gt; =~</c> (operators in any case), each naming one field of the model (<c>user</c> and <c>project</c> stand for
/// <c>user_id</c> and <c>project_id</c>) with a string, number or boolean; an ordering of <c>{field: asc|desc}</c>; a
/// positive limit. A project's query is ANDed with its own project, and naming another project is refused.
/// </summary>
public sealed record ComplexQuery(AlarmFilter? Filter, IReadOnlyList<SortKey> Order, int? Limit)
{
    private static readonly Dictionary<string, string> NameMapping = new(StringComparer.Ordinal) { ["user"] = "user_id", ["project"] = "project_id" };

    /// <param name="visibility">The field that scopes a project's rows: <c>project_id</c> for alarms, <c>on_behalf_of</c> for history.</param>
    public static ComplexQuery? TryRead<T>(ComplexQueryRequest? body, QueryFields<T> fields, string visibility, AlarmCaller caller, out ProblemHttpResult? problem)
    {
        problem = null;
        try
        {
            var filter = body?.Filter is { } filterText ? ReadFilter(Parse(filterText, "Filter"), fields) : null;
            if (!caller.IsAdmin)
            {
                if (filter is not null)
                    RefuseOtherProjects(filter, visibility, caller.ProjectId!);
                var own = FieldCondition.Create(visibility, FilterOperator.Eq, [FilterValue.OfText(caller.ProjectId!)]);
                filter = filter is null ? own : new AllOf([own, filter]);
            }
            var order = body?.OrderBy is { } orderText ? ReadOrder(Parse(orderText, "Order-by"), fields) : [];
            if (body?.Limit is <= 0)
                throw new AlarmFilterException("Limit should be positive");
            return new ComplexQuery(filter, order, body?.Limit);
        }
        catch (AlarmFilterException e)
        {
            problem = AodhProblems.BadRequest(e.Message);
            return null;
        }
        catch (ProjectRefused e)
        {
            problem = AodhProblems.ProjectNotAuthorized(e.Project);
            return null;
        }
    }

    private static JsonNode? Parse(string text, string what)
    {
        try
        {
            return JsonNode.Parse(text, documentOptions: StrictJson.Document);
        }
        catch (JsonException e)
        {
            throw new AlarmFilterException($"{what} expression not valid: {e.Message}");
        }
    }

    private static AlarmFilter ReadFilter<T>(JsonNode? node, QueryFields<T> fields)
    {
        var (op, operand) = Single(node, "a filter", "Filter");
        switch (op.ToLowerInvariant())
        {
            case "and" or "or":
                if (operand is not JsonArray { Count: >= 2 } terms)
                    throw Invalid($"'{op}' takes a list of two filters or more, not {Show(operand)}");
                var read = terms.Select(t => ReadFilter(t, fields)).ToList();
                return op.Equals("and", StringComparison.OrdinalIgnoreCase) ? new AllOf(read) : new AnyOf(read);
            case "not":
                return new NotFilter(ReadFilter(operand, fields));
            case "in":
                var (inField, values) = FieldOf(operand, op, fields);
                if (values is not JsonArray { Count: > 0 } list || list.Any(v => v?.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Number)))
                    throw Invalid($"'in' takes a non-empty list of strings and numbers for {inField.Name}, not {Show(values)}");
                return FieldCondition.Create(inField.Name, FilterOperator.In, [.. list.Select(v => Operand(v!, inField))]);
            default:
                var comparison = op.ToLowerInvariant() switch
                {
                    "=" => FilterOperator.Eq,
                    "!=" => FilterOperator.Ne,
                    "<" => FilterOperator.Lt,
                    "<=" or "=<" => FilterOperator.Le,
                    ">" => FilterOperator.Gt,
                    ">=" or "=>" => FilterOperator.Ge,
                    "=~" => FilterOperator.Matches,
                    _ => throw Invalid($"'{op}' is not an operator: use and, or, not, in, =, !=, <, <=, =<, >, >=, =>, =~"),
                };
                var (field, value) = FieldOf(operand, op, fields);
                if (value?.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
                    throw Invalid($"'{op}' takes a string, number or boolean for {field.Name}, not {Show(value)}");
                if (comparison == FilterOperator.Matches && field.Kind is not (FieldKind.Text or FieldKind.Json))
                    throw Invalid($"'=~' matches text fields; {field.Name} is not one");
                return FieldCondition.Create(field.Name, comparison, [Operand(value, field)]);
        }
    }

    private static IReadOnlyList<SortKey> ReadOrder<T>(JsonNode? node, QueryFields<T> fields)
    {
        if (node is not JsonArray keys)
            throw new AlarmFilterException($"Order-by expression not valid: expected a list of {{\"<field>\": \"asc\"|\"desc\"}}, not {Show(node)}");
        var order = new List<SortKey>();
        foreach (var key in keys)
        {
            var (name, direction) = Single(key, "an ordering", "Order-by");
            if (!fields.TryGet(NameMapping.GetValueOrDefault(name, name), out var field))
                throw new AlarmFilterException($"Order-by expression not valid: '{name}' is not a field: use {string.Join(", ", fields.Names)}");
            var dir = direction?.GetValueKind() == JsonValueKind.String ? direction.GetValue<string>().ToLowerInvariant() : null;
            if (dir is not ("asc" or "desc"))
                throw new AlarmFilterException($"Order-by expression not valid: {name} sorts asc or desc, not {Show(direction)}");
            order.Add(new SortKey(field.Name, dir == "desc"));
        }
        return order;
    }

    /// <summary>The one member of an object (<c>{"=": {...}}</c>, <c>{"name": "asc"}</c>), as the schema's min/maxProperties 1 ask.</summary>
    private static (string Name, JsonNode? Value) Single(JsonNode? node, string what, string expression)
    {
        if (node is not JsonObject { Count: 1 } obj)
            throw new AlarmFilterException($"{expression} expression not valid: {Show(node)} is not {what}: expected an object with exactly one member");
        var (name, value) = obj.First();
        return (name, value);
    }

    private static (QueryField<T> Field, JsonNode? Value) FieldOf<T>(JsonNode? operand, string op, QueryFields<T> fields)
    {
        if (operand is not JsonObject { Count: 1 } obj)
            throw Invalid($"'{op}' takes one field and its value, {{\"<field>\": <value>}}, not {Show(operand)}");
        var (name, value) = obj.First();
        return fields.TryGet(NameMapping.GetValueOrDefault(name, name), out var field)
            ? (field, value)
            : throw Invalid($"'{name}' is not a field: use {string.Join(", ", fields.Names.Concat(NameMapping.Keys))}");
    }

    private static FilterValue Operand<T>(JsonNode value, QueryField<T> field)
    {
        object raw = value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => value.ToJsonString(),
        };
        if (FilterValue.TryFrom(raw, field.Kind, out var operand))
            return operand;
        var text = raw is bool b ? (b ? "True" : "False") : raw.ToString();
        throw new AlarmFilterException(field.Kind == FieldKind.Time
            ? $"Failed to parse the timestamp value {text}"
            : QueryValues.Unconvertible(text!, "boolean"));
    }

    // Aodh's _check_cross_project_references: any condition on the visibility field must name the caller's project.
    private static void RefuseOtherProjects(AlarmFilter filter, string visibility, string project)
    {
        switch (filter)
        {
            case AllOf all:
                all.Terms.ToList().ForEach(t => RefuseOtherProjects(t, visibility, project));
                break;
            case AnyOf any:
                any.Terms.ToList().ForEach(t => RefuseOtherProjects(t, visibility, project));
                break;
            case NotFilter not:
                RefuseOtherProjects(not.Term, visibility, project);
                break;
            case FieldCondition c when c.Field == visibility && (c.Operands.Count != 1 || c.Operands[0].Text != project):
                throw new ProjectRefused(c.Operands.Count == 1 ? c.Operands[0].Text : PythonText.List(c.Operands.Select(o => o.Text)));
        }
    }

    private static AlarmFilterException Invalid(string reason) => new($"Filter expression not valid: {reason}");

    private static string Show(JsonNode? node) => node?.ToJsonString() ?? "null";

    private sealed class ProjectRefused(string project) : Exception(project)
    {
        public string Project { get; } = project;
    }
}
