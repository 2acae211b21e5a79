namespace Doctor.AdminApi.Alarms;

/// <summary>
/// One condition of Aodh's query-string filter: the i-th <c>q.field</c>, <c>q.op</c>, <c>q.value</c> and <c>q.type</c>
/// of the request, as the client wrote them (<paramref name="Op"/> defaults to <c>eq</c>, <paramref name="Type"/> to none).
/// </summary>
public sealed record QueryCondition(string Field, string Op, string Value, string? Type)
{
    /// <summary>Python's repr of Aodh's <c>Query</c>, as its messages print it: <c>&lt;Query 'name' eq 'x' Unset&gt;</c>.</summary>
    public override string ToString() => $"<Query {PythonText.Repr(Field)} {Op} {PythonText.Repr(Value)} {Type ?? "Unset"}>";

    /// <summary>The conditions of the request, or null and a problem title naming the parameter that does not add up.</summary>
    public static IReadOnlyList<QueryCondition>? TryRead(IQueryCollection query, out string? problem)
    {
        problem = null;
        var fields = query["q.field"];
        var ops = query["q.op"];
        var values = query["q.value"];
        var types = query["q.type"];
        if (fields.Count != values.Count)
        {
            problem = $"q.value: {values.Count} value(s) for {fields.Count} q.field(s); give one q.value per q.field";
            return null;
        }
        if (ops.Count != 0 && ops.Count != fields.Count)
        {
            problem = $"q.op: {ops.Count} operator(s) for {fields.Count} q.field(s); give one q.op per q.field, or none";
            return null;
        }
        if (types.Count != 0 && types.Count != fields.Count)
        {
            problem = $"q.type: {types.Count} type(s) for {fields.Count} q.field(s); give one q.type per q.field (empty for none), or none";
            return null;
        }
        var conditions = new List<QueryCondition>(fields.Count);
        for (var i = 0; i < fields.Count; i++)
        {
            var type = types.Count == 0 || string.IsNullOrEmpty(types[i]) ? null : types[i];
            conditions.Add(new QueryCondition(fields[i] ?? "", ops.Count == 0 || string.IsNullOrEmpty(ops[i]) ? "eq" : ops[i]!, values[i] ?? "", type));
        }
        return conditions;
    }
}
