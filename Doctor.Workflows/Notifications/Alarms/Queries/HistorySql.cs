using System.Globalization;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Doctor.Workflows.Notifications.Alarms.Queries;

/// <summary>
/// An <see cref="AlarmFilter"/> and an ordering over <c>doctor.alarm_history</c> as SQL, every operand a parameter.
/// Text compares in the "C" collation, byte by byte, as <see cref="FilterValue.CompareTo"/> does in memory.
/// </summary>
public static class HistorySql
{
    public static string Where(AlarmFilter filter, NpgsqlParameterCollection parameters)
    {
        var sql = new StringBuilder();
        Write(sql, filter, parameters);
        return sql.ToString();
    }

    public static string OrderBy(IReadOnlyList<SortKey> keys)
    {
        var order = keys.Count == 0 ? [new SortKey("timestamp", Descending: true)] : keys;
        var terms = order.Append(new SortKey("event_id", false)).Select(k =>
        {
            var field = HistoryQueryFields.All[k.Field];
            var expression = field.IsSeverity
                ? $"CASE {field.Column} WHEN '{AlarmSeverities.Low}' THEN 1 WHEN '{AlarmSeverities.Moderate}' THEN 2 WHEN '{AlarmSeverities.Critical}' THEN 3 ELSE 0 END"
                : field.Kind == FieldKind.Text ? $"{field.Column} COLLATE \"C\"" : field.Column;
            return $"{expression} {(k.Descending ? "DESC" : "ASC")}";
        });
        return string.Join(", ", terms);
    }

    private static void Write(StringBuilder sql, AlarmFilter filter, NpgsqlParameterCollection parameters)
    {
        switch (filter)
        {
            case AllOf all:
                Join(sql, all.Terms, " AND ", parameters);
                break;
            case AnyOf any:
                Join(sql, any.Terms, " OR ", parameters);
                break;
            case NotFilter not:
                sql.Append("(NOT ");
                Write(sql, not.Term, parameters);
                sql.Append(')');
                break;
            case FieldCondition c:
                var field = HistoryQueryFields.All[c.Field];
                var column = field.Kind == FieldKind.Time ? field.Column! : $"{field.Column} COLLATE \"C\"";
                sql.Append('(').Append(column).Append(' ');
                switch (c.Op)
                {
                    case FilterOperator.In:
                        sql.Append("= ANY(").Append(Add(parameters, c.Operands, field.Kind)).Append(')');
                        break;
                    case FilterOperator.Matches:
                        sql.Append("~ ").Append(Add(parameters, c.Operands[0], FieldKind.Text));
                        break;
                    default:
                        sql.Append(Symbol(c.Op)).Append(' ').Append(Add(parameters, c.Operands[0], field.Kind));
                        break;
                }
                sql.Append(')');
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(filter), filter, "unknown filter term");
        }
    }

    private static void Join(StringBuilder sql, IReadOnlyList<AlarmFilter> terms, string separator, NpgsqlParameterCollection parameters)
    {
        sql.Append('(');
        for (var i = 0; i < terms.Count; i++)
        {
            if (i > 0)
                sql.Append(separator);
            Write(sql, terms[i], parameters);
        }
        sql.Append(')');
    }

    private static string Symbol(FilterOperator op) => op switch
    {
        FilterOperator.Eq => "=",
        FilterOperator.Ne => "<>",
        FilterOperator.Lt => "<",
        FilterOperator.Le => "<=",
        FilterOperator.Gt => ">",
        _ => ">=",
    };

    private static string Add(NpgsqlParameterCollection parameters, FilterValue value, FieldKind kind)
    {
        parameters.Add(kind == FieldKind.Time
            ? new NpgsqlParameter { Value = value.Time, NpgsqlDbType = NpgsqlDbType.TimestampTz }
            : new NpgsqlParameter { Value = value.Text, NpgsqlDbType = NpgsqlDbType.Text });
        return "$" + parameters.Count.ToString(CultureInfo.InvariantCulture);
    }

    private static string Add(NpgsqlParameterCollection parameters, IReadOnlyList<FilterValue> values, FieldKind kind)
    {
        parameters.Add(kind == FieldKind.Time
            ? new NpgsqlParameter { Value = values.Select(v => v.Time).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz }
            : new NpgsqlParameter { Value = values.Select(v => v.Text).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        return "$" + parameters.Count.ToString(CultureInfo.InvariantCulture);
    }
}
