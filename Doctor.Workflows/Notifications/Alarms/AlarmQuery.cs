using System.Text.Json.Nodes;

namespace Doctor.Workflows.Notifications.Alarms;

/// <summary>
/// One condition of an event rule: <c>{"field": "traits.state", "op": "eq", "value": "IN_MAINTENANCE", "type": "string"}</c>.
/// Conditions are ANDed (Aodh). <see cref="Field"/> is <c>traits.&lt;name&gt;</c> (a top-level field of the notification
/// payload) or one of the event's own fields <c>event_type</c>, <c>message_id</c>, <c>generated</c>.
/// </summary>
public sealed class AlarmQuery
{
    private const string TraitPrefix = "traits.";
    private static readonly string[] EventFields = ["event_type", "message_id", "generated"];

    private readonly TraitValue _operand;

    private AlarmQuery(string field, QueryOperator op, string value, string type, QueryValueType valueType, TraitValue operand)
    {
        Field = field;
        Op = op;
        Value = value;
        Type = type;
        ValueType = valueType;
        _operand = operand;
        TraitName = field.StartsWith(TraitPrefix, StringComparison.Ordinal) ? field[TraitPrefix.Length..] : null;
    }

    public string Field { get; }
    public QueryOperator Op { get; }

    /// <summary>The value as the client wrote it.</summary>
    public string Value { get; }

    /// <summary>The type as the client wrote it (<c>""</c> when it gave none).</summary>
    public string Type { get; }

    public QueryValueType ValueType { get; }

    /// <summary>The payload field this condition reads, or null for an event-level field.</summary>
    public string? TraitName { get; }

    /// <summary>Builds a condition, or says which member (<c>field</c>, <c>type</c>, <c>value</c>) is wrong and why.</summary>
    public static AlarmQuery? TryCreate(string field, QueryOperator op, string value, string? type, out AlarmQueryError? error)
    {
        error = null;
        if (!IsKnownField(field))
        {
            error = new("field", $"'{field}' is not a queryable field: use traits.<name> (a payload field), event_type, message_id or generated");
            return null;
        }
        if (!TryParseType(type ?? "", out var valueType))
        {
            error = new("type", $"'{type}' is not a query type: use string, integer, float, datetime or boolean");
            return null;
        }
        if (!TraitValue.TryFromText(value, valueType, out var operand))
        {
            error = new("value", $"'{value}' is not a{(valueType == QueryValueType.Integer ? "n" : "")} {valueType.ToString().ToLowerInvariant()}");
            return null;
        }
        return new AlarmQuery(field, op, value, type ?? "", valueType, operand);
    }

    public static bool TryParseType(string type, out QueryValueType valueType)
    {
        switch (type)
        {
            case "" or "string": valueType = QueryValueType.String; return true;
            case "integer": valueType = QueryValueType.Integer; return true;
            case "float": valueType = QueryValueType.Float; return true;
            case "datetime": valueType = QueryValueType.Datetime; return true;
            case "boolean": valueType = QueryValueType.Boolean; return true;
            default: valueType = default; return false;
        }
    }

    /// <summary>
    /// Whether the notification meets this condition. A field that is missing, or does not read as the query's type,
    /// holds no comparable value: it is unequal to the operand (so <c>ne</c> holds, as in Aodh) and not ordered against it.
    /// </summary>
    public bool IsMetBy(NotificationEmitted notification)
    {
        if (!TryRead(notification, out var actual))
            return Op == QueryOperator.Ne;
        var c = actual.CompareTo(_operand);
        return Op switch
        {
            QueryOperator.Eq => c == 0,
            QueryOperator.Ne => c != 0,
            QueryOperator.Lt => c < 0,
            QueryOperator.Le => c <= 0,
            QueryOperator.Gt => c > 0,
            QueryOperator.Ge => c >= 0,
            _ => false,
        };
    }

    private bool TryRead(NotificationEmitted notification, out TraitValue value)
    {
        if (TraitName is not null)
        {
            JsonNode? node = null;
            return notification.Payload?.TryGetPropertyValue(TraitName, out node) == true && TraitValue.TryFromNode(node, ValueType, out value)
                || Fail(out value);
        }
        return Field switch
        {
            "event_type" => TraitValue.TryFromText(notification.EventType, ValueType, out value),
            "message_id" => TraitValue.TryFromText(notification.MessageId, ValueType, out value),
            _ => TraitValue.TryFromText(EventTimes.Ceilometer(notification.Generated), ValueType, out value),
        };
    }

    private static bool Fail(out TraitValue value)
    {
        value = default;
        return false;
    }

    private static bool IsKnownField(string field) =>
        field.StartsWith(TraitPrefix, StringComparison.Ordinal) ? field.Length > TraitPrefix.Length : EventFields.Contains(field);
}
