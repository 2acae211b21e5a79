using System.Globalization;

namespace Doctor.Workflows.Notifications.Alarms.Queries;

/// <summary>A field's value or a query's operand, read as the field's <see cref="FieldKind"/> so that the two compare.</summary>
public readonly record struct FilterValue(FieldKind Kind, string Text, bool Flag, DateTimeOffset Time)
{
    public static FilterValue OfText(string text) => new(FieldKind.Text, text, false, default);

    public static FilterValue OfJson(string json) => new(FieldKind.Json, json, false, default);

    public static FilterValue OfFlag(bool flag) => new(FieldKind.Boolean, flag ? "True" : "False", flag, default);

    public static FilterValue OfTime(DateTimeOffset time) => new(FieldKind.Time, EventTimes.Ceilometer(time), false, time.ToUniversalTime());

    /// <summary>
    /// <paramref name="raw"/> (a string, bool, number or time as the client sent it) as a value of <paramref name="kind"/>,
    /// or false when it cannot be one: text takes anything by its text; a boolean takes a boolean or the words oslo's
    /// strict <c>bool_from_string</c> knows; a time takes a time or ISO 8601 text.
    /// </summary>
    public static bool TryFrom(object raw, FieldKind kind, out FilterValue value)
    {
        value = default;
        switch (kind)
        {
            case FieldKind.Text or FieldKind.Json:
                var text = raw switch
                {
                    string s => s,
                    bool b => b ? "True" : "False",
                    DateTimeOffset t => EventTimes.Ceilometer(t),
                    IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                    _ => raw.ToString() ?? "",
                };
                value = kind == FieldKind.Text ? OfText(text) : OfJson(text);
                return true;
            case FieldKind.Boolean:
                if (raw is bool flag || raw is string word && TryParseFlag(word, out flag))
                {
                    value = OfFlag(flag);
                    return true;
                }
                return false;
            case FieldKind.Time:
                if (raw is DateTimeOffset time || raw is string iso && EventTimes.TryParse(iso, out time))
                {
                    value = OfTime(time);
                    return true;
                }
                return false;
            default:
                return false;
        }
    }

    /// <summary>oslo.utils' <c>bool_from_string(strict=True)</c>.</summary>
    public static bool TryParseFlag(string text, out bool flag)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "1" or "t" or "true" or "on" or "y" or "yes": flag = true; return true;
            case "0" or "f" or "false" or "off" or "n" or "no": flag = false; return true;
            default: flag = false; return false;
        }
    }

    /// <summary>Orders two values of one kind: text ordinally, false before true, earlier before later.</summary>
    public int CompareTo(FilterValue other) => Kind switch
    {
        FieldKind.Boolean => Flag.CompareTo(other.Flag),
        FieldKind.Time => Time.CompareTo(other.Time),
        _ => string.CompareOrdinal(Text, other.Text),
    };
}
