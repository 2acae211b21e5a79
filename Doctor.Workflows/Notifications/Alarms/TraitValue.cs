using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Doctor.Workflows.Notifications.Alarms;

/// <summary>
/// A trait or query value read as one <see cref="QueryValueType"/>, so that two of them compare like Aodh compares them
/// (strings by code point, numbers by value, datetimes as instants, false &lt; true).
/// </summary>
public readonly struct TraitValue
{
    private readonly string? _text;
    private readonly long _integer;
    private readonly double _float;
    private readonly DateTimeOffset _time;
    private readonly bool _boolean;

    private TraitValue(QueryValueType type, string? text = null, long integer = 0, double @float = 0, DateTimeOffset time = default, bool boolean = false)
    {
        Type = type;
        _text = text;
        _integer = integer;
        _float = @float;
        _time = time;
        _boolean = boolean;
    }

    public QueryValueType Type { get; }

    /// <summary>Reads text (a query value, an event field) as <paramref name="type"/>; false when it is not of that type.</summary>
    public static bool TryFromText(string text, QueryValueType type, out TraitValue value)
    {
        value = default;
        switch (type)
        {
            case QueryValueType.String:
                value = new(type, text: text);
                return true;
            case QueryValueType.Integer when long.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var l):
                value = new(type, integer: l);
                return true;
            case QueryValueType.Float when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d):
                value = new(type, @float: d);
                return true;
            case QueryValueType.Datetime when EventTimes.TryParse(text.Trim(), out var t):
                value = new(type, time: t);
                return true;
            case QueryValueType.Boolean when TryReadBoolean(text, out var b):
                value = new(type, boolean: b);
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Reads a payload field as <paramref name="type"/>. A field that cannot be read so (a string where an integer is asked
    /// for) is not an error: it simply holds a different value, so it is equal to nothing.
    /// </summary>
    public static bool TryFromNode(JsonNode? node, QueryValueType type, out TraitValue value)
    {
        value = default;
        if (node is null)
            return false;
        if (type == QueryValueType.String)
        {
            value = new(type, text: TraitText.Of(node));
            return true;
        }
        switch (node.GetValueKind())
        {
            case JsonValueKind.String:
                return TryFromText(node.GetValue<string>(), type, out value);
            case JsonValueKind.Number:
                return TryFromNumber(node.AsValue(), type, out value);
            case JsonValueKind.True or JsonValueKind.False when type == QueryValueType.Boolean:
                value = new(type, boolean: node.GetValueKind() == JsonValueKind.True);
                return true;
            default:
                return false;
        }
    }

    public int CompareTo(in TraitValue other)
    {
        if (other.Type != Type)
            throw new ArgumentException($"cannot compare a {Type} with a {other.Type}", nameof(other));
        return Type switch
        {
            QueryValueType.String => Math.Sign(string.CompareOrdinal(_text, other._text)),
            QueryValueType.Integer => _integer.CompareTo(other._integer),
            QueryValueType.Float => _float.CompareTo(other._float),
            QueryValueType.Datetime => _time.UtcTicks.CompareTo(other._time.UtcTicks),
            QueryValueType.Boolean => _boolean.CompareTo(other._boolean),
            _ => throw new InvalidOperationException($"unknown value type {Type}"),
        };
    }

    public override string ToString() => Type switch
    {
        QueryValueType.String => _text ?? "",
        QueryValueType.Integer => _integer.ToString(CultureInfo.InvariantCulture),
        QueryValueType.Float => _float.ToString("R", CultureInfo.InvariantCulture),
        QueryValueType.Datetime => _time.ToString("O", CultureInfo.InvariantCulture),
        _ => _boolean ? "True" : "False",
    };

    private static bool TryFromNumber(JsonValue number, QueryValueType type, out TraitValue value)
    {
        value = default;
        // Values parsed from the feed are JsonElement-backed; a payload built in process may hold CLR numbers instead.
        var raw = number.TryGetValue(out JsonElement element) ? element.GetRawText() : number.ToJsonString();
        switch (type)
        {
            case QueryValueType.Integer when long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l):
                value = new(type, integer: l);
                return true;
            case QueryValueType.Integer when double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                                             && double.IsFinite(d) && Math.Floor(d) == d && d >= long.MinValue && d <= long.MaxValue:
                value = new(type, integer: (long)d); // 3.0 is the integer 3
                return true;
            case QueryValueType.Float when double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && double.IsFinite(f):
                value = new(type, @float: f);
                return true;
            default:
                return false;
        }
    }

    /// <summary>The spellings oslo's <c>bool_from_string(strict=True)</c> accepts, which Aodh uses for boolean query values.</summary>
    private static bool TryReadBoolean(string text, out bool value)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "1" or "t" or "true" or "on" or "y" or "yes": value = true; return true;
            case "0" or "f" or "false" or "off" or "n" or "no": value = false; return true;
            default: value = false; return false;
        }
    }
}
