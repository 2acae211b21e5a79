using System.Text.RegularExpressions;

namespace Doctor.Workflows.Notifications.Alarms.Queries;

/// <summary>
/// One comparison of a field with its operands, already read as the field's kind: one operand, several for
/// <see cref="FilterOperator.In"/>, a compiled pattern for <see cref="FilterOperator.Matches"/> (<see cref="Create"/>).
/// </summary>
public sealed record FieldCondition(string Field, FilterOperator Op, IReadOnlyList<FilterValue> Operands) : AlarmFilter
{
    // A client's pattern runs on the server: bounded, so a pathological one cannot hold a thread.
    private static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(100);

    public Regex? Pattern { get; private init; }

    /// <summary>The condition, its pattern compiled; throws <see cref="AlarmFilterException"/> when the operand of <c>=~</c> is not a regular expression.</summary>
    public static FieldCondition Create(string field, FilterOperator op, IReadOnlyList<FilterValue> operands)
    {
        if (op != FilterOperator.Matches)
            return new FieldCondition(field, op, operands);
        try
        {
            return new FieldCondition(field, op, operands) { Pattern = new Regex(operands[0].Text, RegexOptions.CultureInvariant, PatternTimeout) };
        }
        catch (ArgumentException e)
        {
            throw new AlarmFilterException($"Filter expression not valid: '{operands[0].Text}' is not a regular expression ({e.Message})");
        }
    }

    public override bool? Evaluate<T>(T row, QueryFields<T> fields)
    {
        if (fields[Field].Read(row) is not { } actual)
            return null;
        switch (Op)
        {
            case FilterOperator.In:
                return Operands.Any(o => actual.CompareTo(o) == 0);
            case FilterOperator.Matches:
                try
                {
                    return Pattern!.IsMatch(actual.Text);
                }
                catch (RegexMatchTimeoutException)
                {
                    throw new AlarmFilterException($"Filter expression not valid: '{Operands[0].Text}' takes too long to match");
                }
        }
        var c = actual.CompareTo(Operands[0]);
        return Op switch
        {
            FilterOperator.Eq => c == 0,
            FilterOperator.Ne => c != 0,
            FilterOperator.Lt => c < 0,
            FilterOperator.Le => c <= 0,
            FilterOperator.Gt => c > 0,
            _ => c >= 0,
        };
    }
}
