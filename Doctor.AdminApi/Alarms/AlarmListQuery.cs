using Doctor.Workflows.Notifications.Alarms.Queries;

namespace Doctor.AdminApi.Alarms;

/// <summary>
/// <c>GET /v2/alarms</c>'s query: Aodh's <c>q.*</c> conditions (ANDed) on the fields Aodh lets lists filter by, with any
/// of <c>eq ne lt le gt ge</c>, and its paging. A project's list is always its own: the caller's project is one more
/// condition, and naming another project is refused, as in Aodh. The admin sees every project (an admin token has no
/// project of its own); <c>all_projects</c> is accepted for Aodh clients and changes nothing for it.
/// </summary>
public sealed record AlarmListQuery(AlarmFilter Filter, Paging Paging)
{
    // Aodh's ALARM_QUERY_FIELDS_ALLOWED, and alarm_id, which this API filtered by before.
    private static readonly string[] Allowed =
        ["all_projects", "user_id", "project_id", "type", "name", "enabled", "state", "severity", "timestamp", "repeat_actions", "alarm_id"];

    public static AlarmListQuery? TryRead(IQueryCollection query, AlarmCaller caller, out Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? problem)
    {
        problem = null;
        if (QueryCondition.TryRead(query, out var countProblem) is not { } conditions)
        {
            problem = AodhProblems.BadRequest(countProblem!);
            return null;
        }
        var unknown = conditions.Select(c => c.Field).Where(f => !Allowed.Contains(f)).Distinct().ToList();
        if (unknown.Count > 0)
        {
            problem = AodhProblems.BadRequest($"Invalid input for field/attribute field. Value: '{PythonSet(unknown)}'. only fields {PythonSet(Allowed.Order(StringComparer.Ordinal))} are allowed");
            return null;
        }
        var terms = new List<AlarmFilter>();
        var fields = AlarmQueryFields.All;
        foreach (var c in conditions)
        {
            if (!QueryValues.TryOperator(c.Op, out var op))
            {
                problem = AodhProblems.BadRequest(QueryValues.UnknownOperator(c.Op));
                return null;
            }
            if (c.Field == "all_projects")
            {
                if (QueryValues.TryTyped(c.Value, "boolean", out var typeProblem) is not bool all)
                {
                    problem = AodhProblems.BadRequest(typeProblem!);
                    return null;
                }
                if (all && !caller.IsAdmin)
                {
                    problem = AodhProblems.Forbidden("RBAC Authorization Failed: all_projects=True lists every project's alarms, which only the admin may");
                    return null;
                }
                continue;
            }
            if (QueryValues.TryConvert(c, fields[c.Field].Kind, out var valueProblem) is not { } value)
            {
                problem = AodhProblems.BadRequest(valueProblem!);
                return null;
            }
            terms.Add(FieldCondition.Create(c.Field, op, [value]));
        }
        if (!caller.IsAdmin)
        {
            if (conditions.FirstOrDefault(c => c.Field == "project_id") is { } named && named.Value != caller.ProjectId)
            {
                problem = AodhProblems.ProjectNotAuthorized(named.Value);
                return null;
            }
            terms.Add(FieldCondition.Create("project_id", FilterOperator.Eq, [FilterValue.OfText(caller.ProjectId!)]));
        }
        if (Paging.TryRead(query, AlarmQueryFields.SortKeys, out var pagingProblem) is not { } paging)
        {
            problem = AodhProblems.BadRequest(pagingProblem!);
            return null;
        }
        return new AlarmListQuery(new AllOf(terms), paging);
    }

    private static string PythonSet(IEnumerable<string> items) => "{" + string.Join(", ", items.Select(PythonText.Repr)) + "}";
}
