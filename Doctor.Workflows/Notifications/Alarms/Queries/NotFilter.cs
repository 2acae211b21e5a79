namespace Doctor.Workflows.Notifications.Alarms.Queries;

/// <summary><c>{"not": {...}}</c>: the term does not hold (and an unknown stays unknown).</summary>
public sealed record NotFilter(AlarmFilter Term) : AlarmFilter
{
    public override bool? Evaluate<T>(T row, QueryFields<T> fields) => !Term.Evaluate(row, fields);
}
