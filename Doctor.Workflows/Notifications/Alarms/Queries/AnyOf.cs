namespace Doctor.Workflows.Notifications.Alarms.Queries;

/// <summary><c>{"or": [...]}</c>: at least one term holds.</summary>
public sealed record AnyOf(IReadOnlyList<AlarmFilter> Terms) : AlarmFilter
{
    public override bool? Evaluate<T>(T row, QueryFields<T> fields)
    {
        bool? result = false;
        foreach (var term in Terms)
        {
            switch (term.Evaluate(row, fields))
            {
                case true: return true;
                case null: result = null; break;
            }
        }
        return result;
    }
}
