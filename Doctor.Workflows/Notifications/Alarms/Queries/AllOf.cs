namespace Doctor.Workflows.Notifications.Alarms.Queries;

/// <summary><c>{"and": [...]}</c>: every term holds.</summary>
public sealed record AllOf(IReadOnlyList<AlarmFilter> Terms) : AlarmFilter
{
    public override bool? Evaluate<T>(T row, QueryFields<T> fields)
    {
        bool? result = true;
        foreach (var term in Terms)
        {
            switch (term.Evaluate(row, fields))
            {
                case false: return false;
                case null: result = null; break;
            }
        }
        return result;
    }
}
