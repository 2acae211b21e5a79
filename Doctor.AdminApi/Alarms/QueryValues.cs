using System.Globalization;
using Doctor.Workflows.Notifications.Alarms;
using Doctor.Workflows.Notifications.Alarms.Queries;

namespace Doctor.AdminApi.Alarms;

/// <summary>
/// A <c>q.value</c> read as Aodh's <c>Query.get_value</c> reads it — by its <c>q.type</c> when one is given, else by
/// guessing (<c>True</c>, a number, a quoted string, or the text itself) — then as the value of the field it is
/// compared with. The messages are Aodh's.
/// </summary>
public static class QueryValues
{
    private static readonly string[] SupportedTypes = ["integer", "float", "string", "boolean", "datetime"];

    public static bool TryOperator(string op, out FilterOperator result)
    {
        result = op switch
        {
            "eq" or "=" or "==" => FilterOperator.Eq,
            "ne" or "!=" => FilterOperator.Ne,
            "lt" or "<" => FilterOperator.Lt,
            "le" or "<=" => FilterOperator.Le,
            "gt" or ">" => FilterOperator.Gt,
            "ge" or ">=" => FilterOperator.Ge,
            _ => FilterOperator.In,
        };
        return result != FilterOperator.In;
    }

    /// <summary>wsme's answer to an operator outside Aodh's enum.</summary>
    public static string UnknownOperator(string op) =>
        $"Invalid input for field/attribute op. Value: '{op}'. Value should be one of: lt, le, eq, ne, ge, gt";

    /// <summary>The condition's value as the field's kind, or null and Aodh's message.</summary>
    public static FilterValue? TryConvert(QueryCondition condition, FieldKind kind, out string? problem)
    {
        if (TryTyped(condition.Value, condition.Type, out problem) is not { } raw)
            return null;
        if (FilterValue.TryFrom(raw, kind, out var value))
            return value;
        problem = Unconvertible(condition.Value, kind == FieldKind.Time ? "datetime" : kind == FieldKind.Boolean ? "boolean" : "string");
        return null;
    }

    /// <summary>Aodh's <c>get_value(type)</c>: a string, long, double, bool or time, or null and its message.</summary>
    public static object? TryTyped(string value, string? type, out string? problem)
    {
        problem = null;
        switch (type)
        {
            case null:
                return Guess(value);
            case "string":
                return value;
            case "integer" when long.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var integer):
                return integer;
            case "float" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number):
                return number;
            case "boolean" when FilterValue.TryParseFlag(value, out var flag):
                return flag;
            case "datetime" when EventTimes.TryParse(value, out var time):
                return time;
            case "integer" or "float" or "boolean" or "datetime":
                problem = Unconvertible(value, type);
                return null;
            default:
                problem = $"The data type {type} is not supported. The supported data type list is: {PythonText.List(SupportedTypes)}";
                return null;
        }
    }

    public static string Unconvertible(string value, string type) => $"Unable to convert the value {value} to the expected data type {type}.";

    // Python's ast.literal_eval on the text, for the literals a query value can be; anything else stays text.
    private static object Guess(string value)
    {
        var text = value.Trim();
        if (text is "True" or "False")
            return text == "True";
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            return integer;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
            return number;
        if (text.Length >= 2 && (text[0] == '\'' || text[0] == '"') && text[^1] == text[0])
            return text[1..^1];
        return value;
    }
}
