namespace Doctor.Workflows.Notifications.Alarms.Queries;

/// <summary>
/// A filter over alarms or their history: Aodh's complex query (<c>and</c>, <c>or</c>, <c>not</c> over field
/// conditions), of which the <c>q.*</c> list filter is the ANDed special case. Evaluated with SQL's three-valued logic
/// — a condition on a field that is null is unknown, and so is its negation — so a filter run in memory keeps exactly
/// the rows the same filter run in PostgreSQL keeps.
/// </summary>
public abstract record AlarmFilter
{
    /// <summary>True, false, or null (unknown) for <paramref name="row"/>; a row is kept only when true.</summary>
    public abstract bool? Evaluate<T>(T row, QueryFields<T> fields);

    public bool Accepts<T>(T row, QueryFields<T> fields) => Evaluate(row, fields) == true;
}
