namespace Doctor.Workflows.Notifications.Alarms.Queries;

/// <summary>
/// The comparisons of Aodh's queries: the six of <c>q.op</c> (<c>eq ne lt le gt ge</c>) and, in the complex query, the
/// same as symbols plus <c>in</c> (one of a list) and <c>=~</c> (a regular expression, as PostgreSQL's <c>~</c> in Aodh).
/// </summary>
public enum FilterOperator
{
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    Matches,
}
