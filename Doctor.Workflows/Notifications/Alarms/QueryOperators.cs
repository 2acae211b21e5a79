namespace Doctor.Workflows.Notifications.Alarms;

/// <summary>Spellings of <see cref="QueryOperator"/>: Aodh's names (<c>eq</c>) and, as a convenience, their symbols (<c>=</c>).</summary>
public static class QueryOperators
{
    public static bool TryParse(string text, out QueryOperator op)
    {
        switch (text)
        {
            case "eq" or "=" or "==": op = QueryOperator.Eq; return true;
            case "ne" or "!=": op = QueryOperator.Ne; return true;
            case "lt" or "<": op = QueryOperator.Lt; return true;
            case "le" or "<=": op = QueryOperator.Le; return true;
            case "gt" or ">": op = QueryOperator.Gt; return true;
            case "ge" or ">=": op = QueryOperator.Ge; return true;
            default: op = default; return false;
        }
    }

    /// <summary>Aodh's name for the operator; the form we store and echo back.</summary>
    public static string Name(QueryOperator op) => op switch
    {
        QueryOperator.Eq => "eq",
        QueryOperator.Ne => "ne",
        QueryOperator.Lt => "lt",
        QueryOperator.Le => "le",
        QueryOperator.Gt => "gt",
        QueryOperator.Ge => "ge",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };
}
